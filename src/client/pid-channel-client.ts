// The 0.5 PID channel websocket (`/<pid>/channel[/<stream>]?mode=<m>`):
// read a process's output and write to its stdin or a custom stream.
import { GafferError } from '../errors.js';
import { UnreachableError, connectionErrorCode } from './client-errors.js';
import { websocketUrl } from './endpoint.js';
import { CONNECTION_ERROR_ID, decodeFrame, encodeFrame, errorOfFrame, frameId } from './frame-codec.js';
import type { GafferClient } from './gaffer-client.js';
import { loadWebSocket } from './load-ws.js';

export const CHANNEL_READ = 1;
export const CHANNEL_WRITE = 2;

/** An error frame: `reason` (`not_found`, `EPERM`, `ENOENT`, `EIO`...) and `errno` (404, 403...). */
export class ChannelError extends GafferError {
  readonly errno: number;

  constructor(reason: string, errno: number, message: string) {
    super(`GAFFER_ERR_CHANNEL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`, errno, reason, message);
    this.errno = errno;
  }
}

export interface PidChannelOptions {
  /** An output label or custom stream (default: first output + stdin). */
  stream?: string;
  /** 1 read, 2 write, 3 both. */
  mode: number;
}

export interface ChannelEnd {
  code: number;
  /** Set when the server refused or ended the channel with an error frame. */
  error?: ChannelError;
}

export interface PidChannel {
  /** Called with every chunk of output (read mode). */
  onData(listener: (data: Buffer) => void): void;
  /** Write data; resolves on the server's OK, rejects with a ChannelError. */
  write(data: Buffer | string): Promise<void>;
  /** Resolves when the socket is closed (by the server when the process exits, or by close()). */
  closed: Promise<ChannelEnd>;
  close(): Promise<ChannelEnd>;
}

/** Connect to a process's channel; resolves once the websocket is open (and authenticated when a key is set). */
export async function openPidChannel(client: GafferClient, pid: number, options: PidChannelOptions): Promise<PidChannel> {
  const WS = await loadWebSocket();
  const transport = client.transport;
  const path = `/${pid}/channel${options.stream ? `/${encodeURIComponent(options.stream)}` : ''}?mode=${options.mode}`;
  const ws = new WS(websocketUrl(client.endpoint, path), { ...transport.tls, headers: transport.baseHeaders(), handshakeTimeout: 10_000 });
  const pending = new Map<string, { resolve: () => void; reject: (err: ChannelError) => void }>();
  const listeners: Array<(data: Buffer) => void> = [];
  let failure: ChannelError | undefined;
  const pinger = setInterval(() => { if (ws.readyState === WS.OPEN) ws.ping(); }, 15_000);
  pinger.unref();

  ws.on('message', (raw: Buffer) => {
    const frame = decodeFrame(Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer));
    if (!frame) return;
    if (frame.type === 'message') {
      for (const listener of listeners) listener(frame.body);
    } else if (frame.type === 'response') {
      pending.get(frame.id)?.resolve();
      pending.delete(frame.id);
    } else {
      const { error, errno } = errorOfFrame(frame);
      const err = new ChannelError(error, errno, `process ${pid}: ${error} (${errno})`);
      if (frame.id === CONNECTION_ERROR_ID) failure ??= err;
      const waiter = pending.get(frame.id);
      pending.delete(frame.id);
      waiter?.reject(err);
    }
  });
  const closed = new Promise<ChannelEnd>((resolve) => ws.once('close', (code) => {
    clearInterval(pinger);
    const end = failure ?? new ChannelError('closed', 500, `process ${pid}: the channel closed`);
    for (const waiter of pending.values()) waiter.reject(end);
    pending.clear();
    resolve(failure ? { code, error: failure } : { code });
  }));

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', (err) => {
      clearInterval(pinger);
      reject(handshakeError(client, err));
    });
  });
  ws.on('error', () => {});

  const send = (body: Buffer | string): Promise<void> => new Promise((resolve, reject) => {
    if (ws.readyState !== WS.OPEN) {
      reject(failure ?? new ChannelError('closed', 500, `process ${pid}: the channel is closed`));
      return;
    }
    const id = frameId();
    pending.set(id, { resolve, reject });
    ws.send(encodeFrame('message', id, body));
  });
  if (transport.apiKey) await send(`AUTH:${transport.apiKey}`);

  return {
    onData: (listener) => { listeners.push(listener); },
    write: send,
    closed,
    close: () => {
      if (ws.readyState === WS.OPEN || ws.readyState === WS.CONNECTING) ws.close(1000);
      return closed;
    },
  };
}

/** A failed websocket handshake as a GafferError: an HTTP status (404 for a route the daemon lacks) or UnreachableError. */
export function handshakeError(client: GafferClient, err: Error): Error {
  const status = Number(/Unexpected server response: (\d+)/.exec(err.message)?.[1] ?? 0);
  if (status) return new GafferError(`GAFFER_ERR_HTTP_${status}`, status, `http_${status}`, `websocket refused by gafferd at ${client.endpoint.display}: HTTP ${status}`);
  return new UnreachableError(client.endpoint.display, connectionErrorCode(err), { cause: err });
}
