// Helpers for SockJS channel tests: a Manager + HttpServerApp + SockJsChannel on
// 127.0.0.1:0, and channel clients (sockjs-client over a chosen transport, or
// the raw /channel/websocket with ws) that queue every server message.
import { after } from 'node:test';
import SockJS from 'sockjs-client';
import { WebSocket } from 'ws';
import { SockJsChannel, type SockJsChannelOptions } from '../../src/apps/channel/sockjs-channel.js';
import { startServer, type TestServer } from '../helpers/http.js';

export interface ChannelServer extends TestServer {
  channel: SockJsChannel;
}

/** Start a test server with the SockJS channel mounted at /channel (stopped after the file). */
export async function startChannelServer(options: Omit<SockJsChannelOptions, 'host'> = {}): Promise<ChannelServer> {
  const server = await startServer();
  const channel = new SockJsChannel({ host: server.app, disconnectMs: 500, ...options });
  await server.manager.addApplication(channel);
  after(() => channel.stop());
  return { ...server, channel };
}

/** A message from the server (parsed JSON). */
export interface ServerMessage {
  event: string;
  topic?: string;
  data?: any;
}

export interface ChannelTestClient {
  /** Send an object as JSON, or a string as is. */
  send(message: object | string): void;
  /** The first queued (or next) message satisfying `predicate`; others stay queued. */
  next(predicate?: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Every message received so far that was not taken by next(). */
  readonly queued: ServerMessage[];
  /** Subscribe and wait for the success (or the error) of that topic. */
  sub(topic: string): Promise<ServerMessage>;
  unsub(topic: string): Promise<ServerMessage>;
  /** Run a command and wait for its reply. */
  cmd(name: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<ServerMessage>;
  /** Resolves once the server closed the connection. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
  transport: string;
}

let identities = 0;

// The queue and waiters shared by both client kinds.
function makeClient(transport: string, sendText: (text: string) => void, closeFn: () => void,
  closed: Promise<{ code: number; reason: string }>): { client: ChannelTestClient; push: (text: string) => void } {
  const queued: ServerMessage[] = [];
  const waiters: Array<{ predicate: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  const push = (text: string): void => {
    const message = JSON.parse(text) as ServerMessage;
    const at = waiters.findIndex((w) => w.predicate(message));
    if (at >= 0) waiters.splice(at, 1)[0]!.resolve(message);
    else queued.push(message);
  };
  const next = (predicate: (m: ServerMessage) => boolean = () => true, timeoutMs = 15000): Promise<ServerMessage> => {
    const at = queued.findIndex(predicate);
    if (at >= 0) return Promise.resolve(queued.splice(at, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`${transport}: no matching channel message within ${timeoutMs} ms; queued: ${JSON.stringify(queued).slice(0, 600)}`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  const send = (message: object | string): void => sendText(typeof message === 'string' ? message : JSON.stringify(message));
  const isTopicReply = (topic: string) => (m: ServerMessage): boolean =>
    (m.event === 'gaffer:subscription_success' || m.event === 'gaffer:subscription_error') && m.topic === topic;
  const client: ChannelTestClient = {
    transport,
    queued,
    send,
    next,
    closed,
    close: closeFn,
    sub: (topic) => {
      send({ event: 'SUB', data: { topic } });
      return next(isTopicReply(topic));
    },
    unsub: (topic) => {
      send({ event: 'UNSUB', data: { topic } });
      return next(isTopicReply(topic));
    },
    cmd: (name, args, kwargs) => {
      const identity = `cmd-${++identities}`;
      send({ event: 'CMD', data: { identity, name, ...(args ? { args } : {}), ...(kwargs ? { kwargs } : {}) } });
      return next((m) => (m.event === 'gaffer:command_success' || m.event === 'gaffer:command_error') && m.data?.id === identity);
    },
  };
  return { client, push };
}

/** Connect with sockjs-client restricted to `transports` (e.g. ['websocket'], ['xhr-streaming'], ['xhr-polling']). */
export function openSockJs(url: string, transports: string[]): Promise<ChannelTestClient> {
  return new Promise((resolve, reject) => {
    const sock = new SockJS(`${url}/channel`, null, { transports });
    let resolveClosed!: (c: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => { resolveClosed = r; });
    const { client, push } = makeClient(transports.join(','), (text) => sock.send(text), () => sock.close(), closed);
    sock.onmessage = (e: { data: string }) => push(e.data);
    sock.onclose = (e: { code: number; reason: string }) => {
      resolveClosed({ code: e.code, reason: e.reason });
      reject(new Error(`SockJS closed before opening: ${e.code} ${e.reason}`));
    };
    sock.onopen = () => resolve(client);
    after(() => sock.close());
  });
}

/** Connect to the raw websocket endpoint `/channel/websocket` (one JSON text per websocket message). */
export function openRawChannel(wsUrl: string): Promise<ChannelTestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/channel/websocket`);
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
    const { client, push } = makeClient('raw-websocket', (text) => ws.send(text), () => ws.close(), closed);
    ws.on('message', (data: Buffer) => push(data.toString('utf8')));
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    after(() => ws.close());
  });
}

/** Every way a client can reach the channel, for tests that run over each. */
export const TRANSPORTS: ReadonlyArray<{ name: string; open: (server: ChannelServer) => Promise<ChannelTestClient> }> = [
  { name: 'sockjs websocket', open: (s) => openSockJs(s.url, ['websocket']) },
  { name: 'sockjs xhr-streaming', open: (s) => openSockJs(s.url, ['xhr-streaming']) },
  { name: 'sockjs xhr-polling', open: (s) => openSockJs(s.url, ['xhr-polling']) },
  { name: 'raw websocket', open: (s) => openRawChannel(s.wsUrl) },
];

/** Is this an item of `topic` with `data.event` = `event`? */
export function isItem(topic: string, event?: string, predicate: (data: any) => boolean = () => true) {
  return (m: ServerMessage): boolean => m.event === 'gaffer:event' && m.data?.topic === topic &&
    (event === undefined || m.data?.event === event) && predicate(m.data);
}
