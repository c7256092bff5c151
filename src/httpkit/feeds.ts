import type { ServerResponse } from 'node:http';
import { BadRequestError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { SseOutputEncoder } from './sse-framing.js';
import { BatchTimer } from './batch-timer.js';

export type FeedKind = 'longpoll' | 'continuous' | 'eventsource';
export const FEED_KINDS: readonly FeedKind[] = ['longpoll', 'continuous', 'eventsource'];

/** `heartbeat=true` (and no heartbeat parameter) means a beat every 60 s. */
export const DEFAULT_HEARTBEAT_SECONDS = 60;
/**
 * A feed client whose unsent bytes (Node buffer + socket buffer) exceed this
 * bound is cut: its connection is destroyed and its subscription dropped, so
 * a stalled reader costs bounded memory and never delays anyone else.
 */
export const DEFAULT_FEED_BUFFER_LIMIT = 8 * 1024 * 1024;

/** Parse the `feed` query parameter; absent → `fallback`; unknown → 400 `bad_value`. */
export function parseFeed(value: string | null, fallback: FeedKind = 'longpoll'): FeedKind {
  if (value === null || value === '') return fallback;
  if ((FEED_KINDS as readonly string[]).includes(value)) return value as FeedKind;
  throw new BadRequestError('bad_value', `unknown feed ${JSON.stringify(value)}: expected longpoll, continuous or eventsource`);
}

/**
 * Parse the `heartbeat` query parameter into milliseconds: absent or `true`
 * → 60 s; a positive integer → that many seconds; `false`, `0` or anything
 * else → undefined (no heartbeat).
 */
export function parseHeartbeat(value: string | null): number | undefined {
  if (value === null || value.toLowerCase() === 'true') return DEFAULT_HEARTBEAT_SECONDS * 1000;
  if (!/^\d+$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds > 0 ? seconds * 1000 : undefined;
}

export interface FeedOptions {
  kind: FeedKind;
  /** Content-Type of longpoll/continuous feeds (eventsource is always `text/event-stream`). */
  contentType: string;
  heartbeatMs?: number;
  bufferLimit?: number;
  /** Used in the log line when a slow client is cut. */
  description?: string;
}

/**
 * One streaming response. Items are either JSON objects (`sendJson`) or raw
 * output (`sendData`), framed according to the feed kind:
 * - longpoll: the first item, then the response ends;
 * - continuous: every item (JSON + `\r\n`, or raw bytes as chunks);
 * - eventsource: `event: <type>\r\ndata: <line>\r\n...\r\n` per item (sse-framing.ts).
 * Headers are sent at once, so a client knows it is subscribed when it sees them.
 * What is sent during one turn of the event loop goes out in one write, and
 * during a flood at most one write per BURST_INTERVAL_MS (batch-timer.ts): a
 * flood of output reads becomes a few large writes, not one small write per
 * read.
 */
export class Feed {
  readonly kind: FeedKind;
  readonly #res: ServerResponse;
  readonly #bufferLimit: number;
  readonly #closeListeners: Array<() => void> = [];
  readonly #logger: Logger;
  readonly #description: string;
  readonly #encoders = new Map<string, SseOutputEncoder>();
  readonly #batchTimer = new BatchTimer(() => this.#flush());
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;
  #wasCut = false;

  constructor(res: ServerResponse, options: FeedOptions, logger: Logger) {
    this.kind = options.kind;
    this.#res = res;
    this.#bufferLimit = options.bufferLimit ?? DEFAULT_FEED_BUFFER_LIMIT;
    this.#logger = logger;
    this.#description = options.description ?? 'feed';
    res.writeHead(200, {
      'Content-Type': options.kind === 'eventsource' ? 'text/event-stream; charset=utf-8' : options.contentType,
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.once('close', () => this.#cleanup());
    if (options.heartbeatMs !== undefined) {
      this.#heartbeat = setInterval(() => this.#write('\n'), options.heartbeatMs);
      this.#heartbeat.unref();
    }
  }

  /** True once the response ended or the client went away. */
  get isClosed(): boolean {
    return this.#closed || this.#res.writableEnded || this.#res.destroyed;
  }

  /** True when the feed was cut because its client did not read fast enough. */
  get wasCut(): boolean {
    return this.#wasCut;
  }

  /** Called once when the feed closes for any reason (client gone, ended, cut, server stop). */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  /** Send one JSON item of type `type`. */
  sendJson(type: string, payload: unknown): void {
    if (this.isClosed) return;
    const body = JSON.stringify(payload);
    this.#write(this.kind === 'eventsource' ? `event: ${oneLine(type)}\r\ndata: ${body}\r\n\r\n` : `${body}\r\n`);
    if (this.kind === 'longpoll') this.end();
  }

  /** Send one chunk of raw output labelled `type` (decoded as UTF-8 for eventsource). */
  sendData(type: string, data: Buffer): void {
    if (this.isClosed) return;
    if (this.kind !== 'eventsource') {
      this.#write(data);
      if (this.kind === 'longpoll') this.end();
      return;
    }
    let encoder = this.#encoders.get(type);
    if (!encoder) {
      encoder = new SseOutputEncoder();
      this.#encoders.set(type, encoder);
    }
    const event = encoder.encode(oneLine(type), data);
    if (event) this.#write(event);
  }

  /** End the response normally. */
  end(): void {
    if (this.isClosed) return;
    for (const [type, encoder] of this.#encoders) {
      const rest = encoder.end(oneLine(type));
      if (rest) this.#write(rest);
    }
    this.#flush();
    if (this.isClosed) return;
    this.#res.end();
    this.#cleanup();
  }

  /** Destroy the connection (used at server stop when a graceful end is not enough). */
  destroy(): void {
    this.#res.destroy();
    this.#cleanup();
  }

  #write(chunk: string | Buffer): void {
    if (this.isClosed) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    // writableLength counts the response's own buffer plus the socket's unsent bytes.
    const unsent = this.#queuedBytes + this.#res.writableLength;
    if (unsent > this.#bufferLimit) {
      this.#wasCut = true;
      this.#logger.warn(`${this.#description}: client ${this.#res.socket?.remoteAddress ?? ''} is too slow ` +
        `(${unsent} bytes unsent, limit ${this.#bufferLimit}); closing its connection`);
      this.destroy();
      return;
    }
    this.#batchTimer.schedule(this.#queuedBytes);
  }

  // One write for everything gathered since the last one.
  #flush(): void {
    this.#batchTimer.flushed();
    if (this.isClosed || this.#queue.length === 0) return;
    const data = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue, this.#queuedBytes);
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#res.write(data);
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#batchTimer.cancel();
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const listener of this.#closeListeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        this.#logger.error(`${this.#description}: close listener failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  }
}

/** Tracks open feeds so a server stop can end them all. */
export class FeedRegistry {
  readonly #feeds = new Set<Feed>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Start a feed on `res` and track it until it closes. */
  open(res: ServerResponse, options: FeedOptions): Feed {
    const feed = new Feed(res, options, this.#logger);
    this.#feeds.add(feed);
    feed.onClose(() => this.#feeds.delete(feed));
    return feed;
  }

  get size(): number {
    return this.#feeds.size;
  }

  /** End every open feed. */
  endAll(): void {
    for (const feed of [...this.#feeds]) feed.end();
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
