// The applications running on a Manager, in start order.
import type { Application } from './application.js';
import type { Logger } from '../util/logger.js';

/** Applications started in order, restarted in order, stopped in reverse order; a failing one is logged. */
export class ApplicationSet {
  readonly #apps: Application[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get list(): readonly Application[] {
    return this.#apps;
  }

  /** Start one application; a failure is logged (false), or thrown when `critical`. */
  async add(app: Application, start: () => unknown, critical: boolean): Promise<boolean> {
    try {
      await start();
      this.#apps.push(app);
      return true;
    } catch (err) {
      if (critical) throw err;
      this.#logger.error(`application ${appName(app)} failed to start: ${describe(err)}`);
      return false;
    }
  }

  async restartAll(): Promise<void> {
    for (const app of this.#apps) {
      try {
        await app.restart();
      } catch (err) {
        this.#logger.error(`application ${appName(app)} failed to restart: ${describe(err)}`);
      }
    }
  }

  /** Stop every application in reverse start order, all of them even if some fail. */
  async stopAll(): Promise<void> {
    const apps = [...this.#apps].reverse();
    const results = await Promise.allSettled(apps.map(async (app) => app.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.#logger.error(`application ${appName(apps[i]!)} failed to stop: ${describe(r.reason)}`);
    });
  }
}

function appName(app: Application): string {
  return app.name ?? app.constructor?.name ?? 'application';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
