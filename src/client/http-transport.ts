// One gafferd endpoint over node:http / node:https (TCP or unix socket, TLS
// client options, API key header). Statuses >= 400 become GafferErrors in
// `call`; connection failures become UnreachableError everywhere.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { VERSION } from '../protocol/version.js';
import { UnreachableError, connectionErrorCode, errorFromResponse } from './client-errors.js';
import type { Endpoint } from './endpoint.js';

/** TLS client options: CA bundle to trust, client certificate and key (PEM). */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface TransportOptions {
  endpoint: Endpoint;
  /** Sent as `X-Api-Key`. */
  apiKey?: string;
  tls?: TlsOptions;
  /** Per-request timeout in ms (default 30000); streams have none. */
  timeoutMs?: number;
}

/** A whole response; the status is not checked. */
export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestBody {
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Bound of a buffered response body. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Sends requests to one gafferd endpoint; `close()` releases kept-alive connections. */
export class HttpTransport {
  readonly endpoint: Endpoint;
  readonly #apiKey: string | undefined;
  readonly #tls: TlsOptions | undefined;
  readonly #timeoutMs: number;
  readonly #agent: HttpAgent;

  constructor(options: TransportOptions) {
    this.endpoint = options.endpoint;
    this.#apiKey = options.apiKey;
    this.#tls = options.tls;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#agent = options.endpoint.protocol === 'https:'
      ? new (https().Agent)({ keepAlive: true, ...options.tls })
      : new HttpAgent({ keepAlive: true });
  }

  /** The API key sent with every request, if any. */
  get apiKey(): string | undefined {
    return this.#apiKey;
  }

  /** TLS options for other connections to the same endpoint (websockets). */
  get tls(): TlsOptions | undefined {
    return this.#tls;
  }

  /** Headers sent with every request (API key, user agent). */
  baseHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': `gaffer-client/${VERSION}` };
    if (this.#apiKey) headers['X-Api-Key'] = this.#apiKey;
    return headers;
  }

  /** Send one request and buffer the response, whatever its status. */
  request(method: string, path: string, options: RequestBody = {}): Promise<HttpReply> {
    const payload = encodeBody(options.body);
    const headers: Record<string, string> = { ...this.baseHeaders(), Accept: 'application/json', ...options.headers };
    if (payload !== undefined) {
      headers['Content-Length'] = String(payload.length);
      if (!('Content-Type' in headers)) headers['Content-Type'] = isRaw(options.body) ? 'application/octet-stream' : 'application/json';
    }
    return new Promise((resolve, reject) => {
      const req = this.#send(method, path, headers, (res) => {
        readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
      }, reject);
      req.setTimeout(this.#timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.#timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.end(payload);
    });
  }

  /**
   * Send a request and decode the answer: JSON when it parses, else the text.
   * A status >= 400 throws the matching GafferError (NotFoundError...).
   */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.request(method, path, { body });
    const decoded = decode(reply.body);
    if (reply.status >= 400) throw errorFromResponse(method, path, reply.status, decoded);
    return decoded as T;
  }

  /** Open a streaming GET (feeds); resolves with the response once its headers arrived with a 2xx status. */
  stream(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.#send('GET', path, { ...this.baseHeaders(), ...headers }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 400) {
          resolve(res);
          return;
        }
        readAll(res).then((body) => reject(errorFromResponse('GET', path, status, decode(body))), reject);
      }, reject, false);
      req.end();
    });
  }

  /** Release kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  #send(method: string, path: string, headers: Record<string, string>, onResponse: (res: IncomingMessage) => void,
    onError: (err: Error) => void, keepAlive = true): ReturnType<typeof httpRequest> {
    const e = this.endpoint;
    const options: RequestOptions = {
      method,
      path: `${e.basePath}${path}`,
      headers,
      agent: keepAlive ? this.#agent : false,
      ...(e.socketPath ? { socketPath: e.socketPath } : { host: e.host, port: e.port }),
      ...(e.protocol === 'https:' && !keepAlive ? this.#tls : {}),
    };
    const send = e.protocol === 'https:' ? https().request : httpRequest;
    const req = send(options, onResponse);
    // Before a response, any error means gafferd could not be reached (or the TLS handshake failed).
    req.on('error', (err) => onError(new UnreachableError(e.display, connectionErrorCode(err), { cause: err })));
    return req;
  }
}

// node:https (and TLS) is loaded only for https endpoints: it costs CLI start-up time.
function https(): typeof import('node:https') {
  return process.getBuiltinModule('node:https');
}

function isRaw(body: unknown): body is string | Buffer {
  return typeof body === 'string' || Buffer.isBuffer(body);
}

function encodeBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** JSON when the text parses, else the text itself. */
export function decode(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readAll(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) res.destroy(new Error(`gafferd answered more than ${MAX_RESPONSE_BYTES} bytes`));
      else chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', reject);
  });
}
