// Test helpers for lookupd: servers on 127.0.0.1:0, a raw protocol client,
// and waits driven by registry events (never by sleeps).
import WebSocket from 'ws';
import { LookupdServer, type LookupdServerOptions } from '../../src/lookupd/server.js';
import type { LookupdReply } from '../../src/protocol/lookupd.js';

/** Start a lookupd on a free loopback port; remember it in `pool` for after(). */
export async function startLookupd(pool: LookupdServer[], options: LookupdServerOptions = {}): Promise<{ server: LookupdServer; url: string }> {
  const server = new LookupdServer({ bind: '127.0.0.1:0', feed: { disconnectDelayMs: 100 }, ...options });
  pool.push(server);
  await server.listen();
  return { server, url: server.urls()[0]! };
}

/** Resolve once `predicate()` holds, checking now and after every registry event. */
export function waitForRegistry(server: LookupdServer, predicate: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const listener = (): void => {
      if (!predicate()) return;
      clearTimeout(timer);
      server.registry.events.unsubscribe('.', listener);
      resolve();
    };
    const timer = setTimeout(() => {
      server.registry.events.unsubscribe('.', listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    server.registry.events.subscribe('.', listener);
  });
}

/** Resolve with the payload of the next registry event of `type`. */
export function nextRegistryEvent(server: LookupdServer, type: string, timeoutMs = 15000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const listener = (_t: string, payload: Record<string, unknown>): void => {
      clearTimeout(timer);
      server.registry.events.unsubscribe(type, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      server.registry.events.unsubscribe(type, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for registry event '${type}'`));
    }, timeoutMs);
    server.registry.events.subscribe(type, listener);
  });
}

/** GET a lookupd route; resolves with status, headers and the parsed (or raw) body. */
export async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* text body */ }
  return { status: res.status, headers: res.headers, body, text };
}

/** A raw registration-protocol client: sends frames and awaits the reply of each. */
export class ProtocolClient {
  readonly ws: WebSocket;
  readonly #replies: LookupdReply[] = [];
  readonly #waiters: Array<(reply: LookupdReply) => void> = [];
  #counter = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    // Errors after the handshake surface as 'close'; tests assert on replies and registry state.
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as LookupdReply;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(reply);
      else this.#replies.push(reply);
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}, pool?: ProtocolClient[]): Promise<ProtocolClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, options);
    const client = new ProtocolClient(ws);
    pool?.push(client);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Send a raw frame; resolves with the next reply (replies come in order). */
  sendRaw(frame: string | Buffer): Promise<LookupdReply> {
    const reply = new Promise<LookupdReply>((resolve) => {
      const queued = this.#replies.shift();
      if (queued) resolve(queued);
      else this.#waiters.push(resolve);
    });
    this.ws.send(frame);
    return reply;
  }

  /** Send a message with a fresh msgid. */
  send(type: string, members: Record<string, unknown> = {}): Promise<LookupdReply> {
    const msgid = `m${++this.#counter}`;
    return this.sendRaw(JSON.stringify({ type, msgid, ...members }));
  }

  identify(name: string, origin = `http://${name}:5000`, version = '0.1'): Promise<LookupdReply> {
    return this.send('IDENTIFY', { name, origin, version });
  }

  /** Close and resolve once the socket is closed. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
