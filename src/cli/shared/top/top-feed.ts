// The live data of `gafferctl top`: one channel session to gafferd carrying
// the EVENTS topic (what changed), STATS:<pid> for each process (CPU, memory
// every 0.1 s) and STREAM:<pid>.<label> for the tailed process. An event marks
// its job dirty; dirty jobs are re-read over HTTP in one batch (one read in
// flight at a time, so a crash loop costs a few requests, not a storm). A lost
// gafferd shows a notice and the session is reopened with backoff.
import type { ChannelEvent } from '../../../client/channel-client.js';
import { openChannelSession, type ChannelSession } from '../../../client/channel-session.js';
import { UnreachableError } from '../../../client/client-errors.js';
import type { GafferClient } from '../../../client/gaffer-client.js';
import { GafferError } from '../../../errors.js';
import type { TopModel } from './top-model.js';
import { readAllJobs, readJob } from './top-snapshot.js';
import { describeExit } from './top-table.js';

export interface TopFeedOptions {
  /** The model changed: redraw (the caller throttles). */
  onChange(): void;
  retryMinMs?: number;
  retryMaxMs?: number;
}

const BATCH_DELAY_MS = 50;

export class TopFeed {
  readonly #client: GafferClient;
  readonly #model: TopModel;
  readonly #options: TopFeedOptions;
  #session: ChannelSession | undefined;
  #closed = false;
  #stats = new Set<number>();
  #streams: string[] = [];
  #dirty = new Set<string>();
  #batchTimer: NodeJS.Timeout | undefined;
  #reading = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #fail!: (err: Error) => void;
  /** Rejects when the feed fails for good (refused key, TLS); resolves after close(). */
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(client: GafferClient, model: TopModel, options: TopFeedOptions) {
    this.#client = client;
    this.#model = model;
    this.#options = options;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#fail = reject;
    });
    this.done.catch(() => {});
  }

  /** Connect and read everything once; rejects when gafferd cannot be reached at all. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Follow the output of process `pid` in the tail pane (replacing any other). */
  async tail(pid: number): Promise<void> {
    this.closeTail();
    const proc = this.#model.processes.get(pid);
    if (!proc) return;
    this.#model.tail = { pid, job: proc.job, lines: [], partial: new Map() };
    if (proc.labels.length === 0) {
      this.#model.tail.note = `job ${proc.job} does not capture the output of its processes: set redirect_output = stdout, stderr in its config`;
      return;
    }
    this.#streams = proc.labels.map((label) => `STREAM:${pid}.${label}`);
    await this.#subscribeStreams();
  }

  closeTail(): void {
    for (const topic of this.#streams) this.#session?.unsubscribe(topic);
    this.#streams = [];
    this.#model.tail = undefined;
  }

  /** Re-read a job now (after an action), without waiting for its events. */
  refresh(full: string): void {
    this.#markDirty(full);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#batchTimer);
    clearTimeout(this.#retryTimer);
    void this.#session?.close();
    this.#resolveDone();
  }

  async #connect(): Promise<void> {
    const session = await openChannelSession(this.#client, (event) => this.#onItem(event));
    if (this.#closed) {
      await session.close();
      return;
    }
    this.#session = session;
    this.#stats.clear();
    try {
      await session.subscribe('EVENTS');
      await readAllJobs(this.#client, this.#model);
      await this.#syncStats();
      await this.#subscribeStreams();
    } catch (err) {
      await session.close();
      throw err;
    }
    this.#options.onChange();
    void session.closed.then(() => this.#lost(session));
  }

  #lost(session: ChannelSession): void {
    if (this.#closed || this.#session !== session) return;
    this.#session = undefined;
    this.#model.notice = `lost the connection to gafferd at ${this.#client.endpoint.display}; reconnecting...`;
    for (const proc of this.#model.processes.values()) proc.stats = undefined;
    this.#options.onChange();
    this.#retry(this.#options.retryMinMs ?? 250);
  }

  #retry(delay: number): void {
    this.#retryTimer = setTimeout(() => {
      this.#connect().then(() => {
        if (this.#closed) return;
        this.#model.notice = undefined;
        this.#model.status = { text: `reconnected to gafferd at ${this.#client.endpoint.display}`, isError: false };
        this.#options.onChange();
      }, (err: unknown) => {
        if (this.#closed) return;
        if (isTransient(err)) {
          this.#retry(Math.min(delay * 2, this.#options.retryMaxMs ?? 2000));
          return;
        }
        this.#closed = true;
        this.#fail(err instanceof Error ? err : new Error(String(err)));
      });
    }, delay);
  }

  #onItem(item: ChannelEvent): void {
    const topic = item.topic ?? '';
    const pid = typeof item.pid === 'number' ? item.pid : Number(item.pid);
    if (topic.startsWith('STATS:')) {
      this.#model.setStats(pid, { cpu: item.cpu as number, mem: item.mem as number, mem_info1: String(item.mem_info1) });
    } else if (topic.startsWith('STREAM:')) {
      this.#model.appendOutput(pid, item.event === 'READ' ? topic.slice(topic.indexOf('.') + 1) : item.event, String(item.data ?? ''));
    } else {
      this.#onEvent(item, pid);
    }
    this.#options.onChange();
  }

  #onEvent(item: ChannelEvent, pid: number): void {
    const name = typeof item.name === 'string' ? item.name : undefined;
    switch (item.event) {
      case 'exit': {
        const exit = { pid, os_pid: Number(item.os_pid), exit_status: Number(item.exit_status), term_signal: Number(item.term_signal) };
        this.#model.processExited({ ...exit, name: name ?? '', once: item.once === true });
        if (this.#model.tail?.pid === pid) this.#model.tail.note = `process ${pid} exited (${describeExit(exit)})`;
        break;
      }
      case 'reap':
      case 'stop_process':
        this.#model.markStopping(pid);
        break;
    }
    if (name !== undefined) this.#markDirty(name);
  }

  #markDirty(full: string): void {
    this.#dirty.add(full);
    if (this.#batchTimer || this.#reading) return;
    this.#batchTimer = setTimeout(() => void this.#readDirty(), BATCH_DELAY_MS);
  }

  // Re-read the dirty jobs; events arriving meanwhile are read in the next batch.
  async #readDirty(): Promise<void> {
    this.#batchTimer = undefined;
    if (this.#closed || !this.#session) return;
    const jobs = [...this.#dirty];
    this.#dirty.clear();
    this.#reading = true;
    try {
      await Promise.all(jobs.map((full) => readJob(this.#client, this.#model, full)));
      await this.#syncStats();
    } catch {
      // A failed read is retried by the next event, or after reconnection (which re-reads everything).
    } finally {
      this.#reading = false;
    }
    this.#options.onChange();
    if (this.#dirty.size > 0 && !this.#closed) this.#batchTimer = setTimeout(() => void this.#readDirty(), BATCH_DELAY_MS);
  }

  // One STATS:<pid> subscription per process the model has.
  async #syncStats(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    for (const pid of [...this.#stats]) {
      if (this.#model.processes.has(pid)) continue;
      this.#stats.delete(pid);
      session.unsubscribe(`STATS:${pid}`);
    }
    const fresh = [...this.#model.processes.keys()].filter((pid) => !this.#stats.has(pid));
    for (const pid of fresh) this.#stats.add(pid);
    // A process may be gone before its subscription: gafferd refuses it, which is fine.
    await Promise.all(fresh.map((pid) => session.subscribe(`STATS:${pid}`).catch(() => undefined)));
  }

  async #subscribeStreams(): Promise<void> {
    const session = this.#session;
    const tail = this.#model.tail;
    if (!session || !tail) return;
    for (const topic of this.#streams) {
      try {
        await session.subscribe(topic);
      } catch (err) {
        tail.note = `cannot follow the output of process ${tail.pid}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
}

function isTransient(err: unknown): boolean {
  if (err instanceof UnreachableError) return !err.isTls;
  return err instanceof GafferError && err.code === 'GAFFER_ERR_CHANNEL_CLOSED';
}
