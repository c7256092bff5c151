// Follows gafferd's legacy event feed (`GET /watch?feed=eventsource`),
// filters it client-side with a dot pattern, and reconnects with a notice
// when the connection drops (daemon restart), until closed.
import type { IncomingMessage } from 'node:http';
import type { EventPayload } from '../protocol/events.js';
import { matchesPattern } from '../util/event-pattern.js';
import { UnreachableError } from './client-errors.js';
import type { GafferClient } from './gaffer-client.js';
import { SseParser } from './sse-parser.js';

export type WatchNotice =
  | { kind: 'lost'; message: string }
  | { kind: 'reconnected'; message: string };

export interface WatchOptions {
  /** Dot pattern (events.md → Pattern matching); default `.` (everything). */
  pattern?: string;
  /** Seconds between server heartbeats (default 60); 0 disables them and the idle check. */
  heartbeat?: number;
  onEvent: (type: string, payload: EventPayload) => void;
  /** Connection lost / back again. */
  onNotice?: (notice: WatchNotice) => void;
  /** First and longest delay between reconnection attempts (ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface EventWatch {
  /** Resolves once the first connection is open; rejects when it cannot be opened. */
  opened: Promise<void>;
  /** Rejects when the watch fails for good (e.g. 401/403 after a reconnection); resolves after close(). */
  done: Promise<void>;
  /** Stop watching (idempotent). */
  close(): void;
}

/** Start watching; see WatchOptions. */
export function watchEvents(client: GafferClient, options: WatchOptions): EventWatch {
  return new Watcher(client, options).start();
}

class Watcher {
  readonly #client: GafferClient;
  readonly #options: WatchOptions;
  readonly #heartbeat: number;
  #response: IncomingMessage | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #finish!: (err?: Error) => void;

  constructor(client: GafferClient, options: WatchOptions) {
    this.#client = client;
    this.#options = options;
    this.#heartbeat = options.heartbeat ?? 60;
  }

  start(): EventWatch {
    const done = new Promise<void>((resolve, reject) => {
      this.#finish = (err) => (err ? reject(err) : resolve());
    });
    done.catch(() => {});
    const opened = this.#connect().then((res) => this.#follow(res), (err: unknown) => {
      this.#closed = true;
      this.#finish();
      throw err;
    });
    return { opened, done, close: () => this.#close() };
  }

  #connect(): Promise<IncomingMessage> {
    const query = `feed=eventsource&heartbeat=${this.#heartbeat > 0 ? this.#heartbeat : 'false'}`;
    return this.#client.transport.stream(`/watch?${query}`, { Accept: 'text/event-stream' });
  }

  #follow(res: IncomingMessage): void {
    if (this.#closed) {
      res.destroy();
      return;
    }
    this.#response = res;
    const parser = new SseParser();
    const pattern = this.#options.pattern ?? '.';
    this.#armIdle(res);
    res.on('data', (chunk: Buffer) => {
      this.#armIdle(res);
      for (const event of parser.push(chunk)) {
        if (!matchesPattern(pattern, event.type)) continue;
        let payload: EventPayload;
        try {
          payload = JSON.parse(event.data) as EventPayload;
        } catch {
          continue;
        }
        this.#options.onEvent(event.type, payload);
      }
    });
    let lost = false;
    const onLost = (why: string): void => {
      if (lost) return;
      lost = true;
      clearTimeout(this.#idleTimer);
      this.#response = undefined;
      if (this.#closed) return;
      this.#options.onNotice?.({ kind: 'lost', message: `lost the connection to gafferd at ${this.#client.endpoint.display} (${why}); reconnecting...` });
      this.#retry(this.#options.retryMinMs ?? 250);
    };
    res.once('end', () => onLost('the daemon closed the feed'));
    res.once('close', () => onLost('connection closed'));
    res.once('error', (err) => onLost(err.message));
  }

  // No byte (event or heartbeat) for two heartbeats: the connection is dead even if TCP has not noticed.
  #armIdle(res: IncomingMessage): void {
    clearTimeout(this.#idleTimer);
    if (this.#heartbeat <= 0) return;
    this.#idleTimer = setTimeout(() => res.destroy(new Error(`no heartbeat for ${2 * this.#heartbeat + 5} s`)), (2 * this.#heartbeat + 5) * 1000);
  }

  #retry(delay: number): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#connect().then((res) => {
        if (this.#closed) {
          res.destroy();
          return;
        }
        this.#options.onNotice?.({ kind: 'reconnected', message: `reconnected to gafferd at ${this.#client.endpoint.display}` });
        this.#follow(res);
      }, (err: unknown) => {
        if (err instanceof UnreachableError && !err.isTls) {
          this.#retry(Math.min(delay * 2, this.#options.retryMaxMs ?? 2000));
          return;
        }
        this.#closed = true;
        this.#finish(err instanceof Error ? err : new Error(String(err)));
      });
    }, delay);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#idleTimer);
    this.#response?.destroy();
    this.#finish();
  }
}
