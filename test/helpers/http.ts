// Helpers for HTTP tests: a Manager + HttpServerApp on 127.0.0.1:0 (stopped in
// after()), curl-shaped requests, streaming responses and websocket clients.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { after } from 'node:test';
import { EventSource } from 'eventsource';
import { WebSocket } from 'ws';
import { Manager, type ManagerOptions } from '../../src/core/manager.js';
import { HttpServerApp, type HttpServerAppOptions } from '../../src/http/server-app.js';

export interface TestServer {
  manager: Manager;
  app: HttpServerApp;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>` */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Start a Manager and an HttpServerApp on 127.0.0.1:0; both are stopped after the test file. */
export async function startServer(options: Partial<HttpServerAppOptions> & { managerOptions?: ManagerOptions } = {}): Promise<TestServer> {
  const { managerOptions, ...appOptions } = options;
  const manager = new Manager(managerOptions);
  const app = new HttpServerApp({ listeners: [{ address: { kind: 'tcp', host: '127.0.0.1', port: 0 } }], ...appOptions });
  await manager.start();
  await app.start(manager);
  const address = app.addresses()[0];
  if (address?.kind !== 'tcp') throw new Error('the test server has no TCP address');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.allSettled([manager.stop(), app.stop()]).then(() => undefined);
    return closing;
  };
  after(close);
  return { manager, app, url: `http://127.0.0.1:${address.port}`, wsUrl: `ws://127.0.0.1:${address.port}`, port: address.port, close };
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
}

export interface RequestOptions {
  method?: string;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Connect to this unix socket instead of the URL's host. */
  socketPath?: string;
}

/** One HTTP request on a fresh connection (like curl); resolves with the whole body. */
export function request(url: string, options: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined
      : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    const req = httpRequest(url, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { ...options.headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) },
      agent: false,
      socketPath: options.socketPath,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error body every failing route answers with. */
export function errorBody(reason: string, status: number): { error: string; errno: number; reason: string } {
  return { error: reason, errno: status, reason };
}

/** The error body of a bad request member: the usual three members, plus `field` and `message`. */
export function fieldErrorBody(reason: string, field: string, message: string): { error: string; errno: number; reason: string; field: string; message: string } {
  return { ...errorBody(reason, 400), field, message };
}

/** A streaming response being read: resolves once the headers arrived (= subscribed). */
export interface OpenStream {
  res: IncomingMessage;
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far. */
  readonly received: Buffer;
  /** Resolves when the received text satisfies `predicate` (or contains the string). */
  waitFor(predicate: string | ((text: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Resolves once at least `count` bytes were received (cheap for large transfers). */
  waitForBytes(count: number, timeoutMs?: number): Promise<number>;
  /** Resolves with the whole body when the server ends the response. */
  ended: Promise<string>;
  close(): void;
}

/** GET a feed and keep reading it. */
export function openStream(url: string, options: { headers?: Record<string, string> } = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      let byteCount = 0;
      const waiters = new Set<() => void>();
      let endResolve!: (text: string) => void;
      const ended = new Promise<string>((r) => { endResolve = r; });
      const textOf = (): string => Buffer.concat(chunks).toString('utf8');
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        byteCount += c.length;
        for (const w of [...waiters]) w();
      });
      res.on('end', () => endResolve(textOf()));
      res.on('error', () => endResolve(textOf()));
      res.on('close', () => endResolve(textOf()));
      resolve({
        res,
        status: res.statusCode ?? 0,
        headers: res.headers,
        get received() { return Buffer.concat(chunks); },
        ended,
        close: () => req.destroy(),
        waitForBytes: (count, timeoutMs = 20000) => new Promise((ok, fail) => {
          const check = (): void => {
            if (byteCount < count) return;
            waiters.delete(check);
            clearTimeout(timer);
            ok(byteCount);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`timed out after ${timeoutMs} ms waiting for ${count} bytes (got ${byteCount})`));
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
        waitFor: (predicate, timeoutMs = 15000) => new Promise((ok, fail) => {
          const test = typeof predicate === 'string' ? (t: string) => t.includes(predicate) : predicate;
          const check = (): void => {
            const text = textOf();
            if (!test(text)) return;
            waiters.delete(check);
            clearTimeout(timer);
            ok(text);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            fail(new Error(`timed out after ${timeoutMs} ms waiting for ${String(predicate)} in ${JSON.stringify(textOf().slice(-300))}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A websocket client with a queue of received messages. */
export interface TestSocket {
  ws: WebSocket;
  /** The next message (Buffer), in arrival order. */
  next(timeoutMs?: number): Promise<Buffer>;
  /** Resolves with the close code and reason once the server closes. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Connect a websocket and queue its messages from the start (nothing is lost before `next`). */
export function connectWs(url: string): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const queue: Buffer[] = [];
    const waiting: Array<(b: Buffer) => void> = [];
    ws.on('message', (data: Buffer) => {
      const w = waiting.shift();
      if (w) w(data);
      else queue.push(data);
    });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('open', () => resolve({
      ws,
      closed,
      next: (timeoutMs = 15000) => {
        const queued = queue.shift();
        if (queued) return Promise.resolve(queued);
        return new Promise((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`no websocket message within ${timeoutMs} ms`)), timeoutMs);
          waiting.push((b) => {
            clearTimeout(timer);
            ok(b);
          });
        });
      },
    }));
    ws.once('error', reject);
  });
}

/** Resolve when process `pid` has written `text` (subscribe before the output can happen). */
export function outputOf(manager: Manager, pid: number, text: string, timeoutMs = 15000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const stop = manager.monitorIo(pid, '.', (chunk) => {
      seen += chunk.data.toString('utf8');
      if (!seen.includes(text)) return;
      clearTimeout(timer);
      stop();
      resolve(seen);
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for process ${pid} to print ${JSON.stringify(text)}`));
    }, timeoutMs);
  });
}

/** Resolve once `predicate()` holds, checking on every event-loop turn (for state with no event to wait on). */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** An EventSource client that queues the events of the given types from the start. */
export interface TestEventSource {
  es: EventSource;
  /** The next event of `type` (data as received). */
  next(type: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

/** Connect an EventSource (npm `eventsource`) and resolve once it is open (= subscribed). */
export function openEventSource(url: string, types: string[]): Promise<TestEventSource> {
  return new Promise((resolve, reject) => {
    const es = new EventSource(url);
    const queues = new Map<string, string[]>(types.map((t) => [t, []]));
    const waiting = new Map<string, Array<(data: string) => void>>(types.map((t) => [t, []]));
    for (const type of types) {
      es.addEventListener(type, (event) => {
        const w = waiting.get(type)!.shift();
        if (w) w(event.data);
        else queues.get(type)!.push(event.data);
      });
    }
    es.onopen = () => resolve({
      es,
      close: () => es.close(),
      next: (type, timeoutMs = 15000) => {
        const queued = queues.get(type)?.shift();
        if (queued !== undefined) return Promise.resolve(queued);
        return new Promise((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`no '${type}' server-sent event within ${timeoutMs} ms`)), timeoutMs);
          waiting.get(type)!.push((data) => {
            clearTimeout(timer);
            ok(data);
          });
        });
      },
    });
    // Before it opened, any error fails the connection; afterwards the test decides.
    es.onerror = (err) => {
      if (es.readyState === es.OPEN) return;
      es.close();
      reject(new Error(`EventSource ${url} failed: ${err.message ?? 'error'}`));
    };
  });
}
