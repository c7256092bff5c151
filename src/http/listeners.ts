// Binding the HTTP application's listeners: TCP, `unix:` sockets (a stale
// socket file is removed first) and TLS (node:https when cert/key are given).
import { lstat, unlink } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { GafferError, gafferError } from '../errors.js';
import { formatAddress, type ListenAddress } from '../util/address.js';

/** One listener of the HTTP application. */
export interface HttpListenerConfig {
  address: ListenAddress;
  /** listen(2) backlog (default 128). */
  backlog?: number;
  /** Serve HTTPS/WSS with this certificate and key (PEM). */
  tls?: {
    cert: string | Buffer;
    key: string | Buffer;
    /** CA bundle for client certificates (`[ssl] ca_certs`). */
    ca?: string | Buffer;
    /** Ask clients for a certificate (`cert_reqs` optional or required). */
    requestCert?: boolean;
    /** Refuse clients without a valid certificate (`cert_reqs = required`). */
    rejectUnauthorized?: boolean;
  };
}

export interface ServerHandlers {
  request: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export const DEFAULT_BACKLOG = 128;

/** Create a server for one listener and bind it; rejects with an operator-facing GafferError. */
export async function bindListener(config: HttpListenerConfig, handlers: ServerHandlers): Promise<Server> {
  // node:https (and TLS) is loaded only for a TLS listener.
  const server: Server = config.tls
    ? process.getBuiltinModule('node:https').createServer({
      cert: config.tls.cert, key: config.tls.key, ca: config.tls.ca,
      requestCert: config.tls.requestCert === true, rejectUnauthorized: config.tls.requestCert === true && config.tls.rejectUnauthorized !== false,
    }, handlers.request)
    : createHttpServer(handlers.request);
  server.on('upgrade', handlers.upgrade);
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const backlog = config.backlog ?? DEFAULT_BACKLOG;
  try {
    if (config.address.kind === 'unix') await removeStaleSocket(config.address.path);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const options = config.address.kind === 'unix'
        ? { path: config.address.path, backlog }
        : { host: config.address.host, port: config.address.port, backlog };
      server.listen(options, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    server.close();
    throw listenError(config.address, err);
  }
  return server;
}

/** The address a server is bound to (the real port when it was 0). */
export function boundAddress(server: Server): ListenAddress | undefined {
  const a = server.address();
  if (a === null) return undefined;
  if (typeof a === 'string') return { kind: 'unix', path: a };
  return { kind: 'tcp', host: a.address, port: a.port };
}

/**
 * Remove a unix socket file left by a previous run. A socket someone still
 * accepts on is left alone (the listen then fails with EADDRINUSE); a path
 * that is not a socket is never removed.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch {
    return;
  }
  if (!isSocket) {
    throw gafferError('GAFFER_ERR_LISTEN_FAILED', `cannot listen on unix:${path}: the path exists and is not a socket`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!alive) await unlink(path).catch(() => {});
}

function listenError(address: ListenAddress, err: unknown): GafferError {
  if (err instanceof GafferError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const hint = code === 'EADDRINUSE' ? 'another process is listening there; stop it or choose another address'
    : code === 'EACCES' ? 'permission denied; use a port above 1023 or a writable socket directory'
      : code === 'EADDRNOTAVAIL' ? 'this host has no such address'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the host name does not resolve; give an IP address (127.0.0.1, 0.0.0.0) or a resolvable name'
          : 'see the cause';
  return gafferError('GAFFER_ERR_LISTEN_FAILED', `cannot listen on ${formatAddress(address)}: ${(err as Error)?.message ?? String(err)}; ${hint}`, { cause: err });
}

/** Stop accepting connections; resolves when every connection of the server is gone. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
  });
}

// A TLS server (node:https) has SNI contexts; checked without loading node:https.
function isTlsServer(server: Server): boolean {
  return typeof (server as { addContext?: unknown }).addContext === 'function';
}

/**
 * Knows which sockets of the servers carry a request in flight. Node only
 * closes "idle" keep-alive connections, and never counts a connection that
 * has not sent a request yet (clients open spare ones); a stop must close
 * those too, and each busy one as soon as its response is done.
 */
export class ConnectionTracker {
  readonly #sockets = new Map<Duplex, number>();
  #draining = false;

  /** Follow the connections and requests of a server. Upgraded sockets are left to their handlers. */
  watch(server: Server): void {
    server.on(isTlsServer(server) ? 'secureConnection' : 'connection', (socket: Duplex) => {
      this.#sockets.set(socket, 0);
      socket.once('close', () => this.#sockets.delete(socket));
      if (this.#draining) socket.end();
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      this.#sockets.set(socket, (this.#sockets.get(socket) ?? 0) + 1);
      res.once('close', () => {
        const busy = this.#sockets.get(socket);
        if (busy === undefined) return;
        this.#sockets.set(socket, busy - 1);
        if (this.#draining && busy - 1 === 0) socket.end();
      });
    });
    server.on('upgrade', (req: IncomingMessage) => this.#sockets.delete(req.socket));
  }

  /** End idle connections now and busy ones when their response is done. */
  drain(): void {
    this.#draining = true;
    for (const [socket, busy] of this.#sockets) if (busy === 0) socket.end();
  }

  /** Destroy every connection still open (after the grace period of a stop). */
  destroyAll(): void {
    for (const socket of this.#sockets.keys()) socket.destroy();
    this.#sockets.clear();
  }

  /** Accept connections normally again (after a restart). */
  reset(): void {
    this.#draining = false;
  }
}
