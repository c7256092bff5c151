import type { FlappingConfig } from './job-config.js';

export type FlapDecision = 'respawn' | 'retry' | 'give_up';

/**
 * The flapping detector of one job: remembers the times of unexpected exits
 * and decides whether the job keeps respawning, pauses for `retry_in`, or
 * gives up after `max_retry` pauses.
 */
export class FlapDetector {
  readonly #config: FlappingConfig;
  #exits: number[] = [];
  #retries = 0;

  constructor(config: FlappingConfig) {
    this.#config = config;
  }

  get retries(): number {
    return this.#retries;
  }

  /** Record an unexpected exit at `nowMs` and decide what to do. */
  recordExit(nowMs: number): FlapDecision {
    this.#exits.push(nowMs);
    if (this.#exits.length < this.#config.attempts) return 'respawn';
    const oldest = this.#exits[this.#exits.length - this.#config.attempts]!;
    this.#exits = this.#exits.slice(-this.#config.attempts);
    if (nowMs - oldest > this.#config.window * 1000) {
      this.reset();
      return 'respawn';
    }
    this.#exits = [];
    if (this.#retries < this.#config.max_retry) {
      this.#retries += 1;
      return 'retry';
    }
    this.reset();
    return 'give_up';
  }

  reset(): void {
    this.#exits = [];
    this.#retries = 0;
  }
}
