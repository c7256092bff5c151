// The full-screen `gafferctl top`: connects the live feed, draws frames (at
// most one per FRAME_MS, and every second for clocks and uptimes), turns keys
// into API calls on the selected job or process, and ends on `q`, Ctrl-C or
// a signal with the terminal restored.
import type { GafferClient } from '../../../client/gaffer-client.js';
import type { CliIo } from '../io.js';
import { TopFeed } from './top-feed.js';
import { actionOfKey, type Keypress, type TopAction } from './top-keys.js';
import { TopModel, type TopJob } from './top-model.js';
import { renderScreen } from './top-render.js';
import { splitFullName } from './top-snapshot.js';
import { isJobStopped } from './top-table.js';
import { TopTerminal } from './top-terminal.js';

const FRAME_MS = 100;
const TICK_MS = 1000;

export interface TopViewOptions { color: boolean }

/** Run the full-screen view until quit; resolves with the exit status, rejects when gafferd cannot be reached. */
export async function runTopView(client: GafferClient, io: CliIo, options: TopViewOptions): Promise<number> {
  const model = new TopModel();
  const terminal = new TopTerminal(io);
  let finish!: (err?: unknown) => void;
  const ended = new Promise<unknown>((resolve) => { finish = resolve; });
  let frameTimer: NodeJS.Timeout | undefined;
  let lastFrame = 0;
  const draw = (): void => {
    frameTimer = undefined;
    lastFrame = Date.now();
    try {
      terminal.draw(renderScreen(model, terminal.size(), client.endpoint.display, options.color));
    } catch (err) {
      finish(err);
    }
  };
  const scheduleDraw = (): void => {
    if (frameTimer) return;
    frameTimer = setTimeout(draw, Math.max(0, lastFrame + FRAME_MS - Date.now()));
  };
  const feed = new TopFeed(client, model, { onChange: scheduleDraw });
  await feed.start();
  const controller = new TopController(client, model, feed, () => finish(), scheduleDraw);
  const ticker = setInterval(scheduleDraw, TICK_MS);
  const offSignal = io.onSignal(() => finish());
  feed.done.then(() => {}, (err: unknown) => finish(err));
  try {
    terminal.enter((text, key) => controller.onKey(text, key), draw);
    draw();
    const failure = await ended;
    if (failure !== undefined) throw failure;
    return 0;
  } finally {
    clearInterval(ticker);
    clearTimeout(frameTimer);
    offSignal();
    feed.close();
    terminal.restore();
  }
}

// What the keys do: moves are local; scale, restart, stop/start call gafferd and report in the status line.
class TopController {
  readonly #client: GafferClient;
  readonly #model: TopModel;
  readonly #feed: TopFeed;
  readonly #quit: () => void;
  readonly #changed: () => void;

  constructor(client: GafferClient, model: TopModel, feed: TopFeed, quit: () => void, changed: () => void) {
    this.#client = client;
    this.#model = model;
    this.#feed = feed;
    this.#quit = quit;
    this.#changed = changed;
  }

  onKey(text: string | undefined, key: Keypress | undefined): void {
    const action = actionOfKey(text, key);
    if (action === undefined) return;
    this.#run(action);
    this.#changed();
  }

  #run(action: TopAction): void {
    const model = this.#model;
    switch (action) {
      case 'quit': this.#quit(); return;
      case 'up': model.moveSelection(-1); return;
      case 'down': model.moveSelection(1); return;
      case 'page-up': model.moveSelection(-10); return;
      case 'page-down': model.moveSelection(10); return;
      case 'home': model.moveSelection(-Infinity); return;
      case 'end': model.moveSelection(Infinity); return;
      case 'close-tail': this.#feed.closeTail(); return;
      case 'tail': this.#tail(); return;
    }
    const row = model.selectedRow();
    if (!row) {
      model.status = { text: 'no job selected', isError: true };
      return;
    }
    const job = row.job;
    const { sessionid, name } = splitFullName(job.full);
    switch (action) {
      case 'scale-up': this.#call(job, () => this.#client.scaleJob(sessionid, name, '+1'), (n) => `${job.full}: scaled to ${String(n)}`); return;
      case 'scale-down': this.#call(job, () => this.#client.scaleJob(sessionid, name, '-1'), (n) => `${job.full}: scaled to ${String(n)}`); return;
      case 'restart': this.#call(job, () => this.#client.setJobState(sessionid, name, 2), () => `${job.full}: restarted`); return;
      case 'toggle': {
        const stop = !isJobStopped(job);
        this.#call(job, () => this.#client.setJobState(sessionid, name, stop ? 0 : 1), () => `${job.full}: ${stop ? 'stopped' : 'started'}`);
      }
    }
  }

  // Tail the selected process, or the first process of the selected job.
  #tail(): void {
    const row = this.#model.selectedRow();
    const proc = row?.kind === 'process' ? row.process : row ? this.#model.processesOf(row.job.full)[0] : undefined;
    if (!proc) {
      this.#model.status = { text: row ? `${row.job.full} has no process to tail` : 'no process selected', isError: true };
      return;
    }
    this.#feed.tail(proc.pid).then(this.#changed, this.#changed);
  }

  #call<T>(job: TopJob, request: () => Promise<T>, done: (result: T) => string): void {
    request().then((result) => {
      this.#model.status = { text: done(result), isError: false };
    }, (err: unknown) => {
      this.#model.status = { text: `${job.full}: ${err instanceof Error ? err.message : String(err)}`, isError: true };
    }).finally(() => {
      this.#feed.refresh(job.full);
      this.#changed();
    });
  }
}
