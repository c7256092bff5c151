// The drop accounting of a LogFile (core/log-file.ts): every dropped byte is
// counted; an operator is warned at once, then at most once per interval with
// the bytes dropped since, and `onDrop` gets the same report.
import type { Logger } from '../util/logger.js';

/** At most one drop warning per file in this interval. */
export const DROP_REPORT_INTERVAL_MS = 10_000;

/** What was dropped since the previous report, and why. */
export interface DropReport {
  path: string;
  /** Bytes dropped since the previous report. */
  bytes: number;
  /** Bytes dropped since the LogFile was created. */
  total: number;
  reason: string;
}

export class LogDrops {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #onDrop: ((report: DropReport) => void) | undefined;
  #total = 0;
  #unreported = 0;
  #reason = '';
  #lastReport = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, logger: Logger, onDrop: ((report: DropReport) => void) | undefined) {
    this.#path = path;
    this.#logger = logger;
    this.#onDrop = onDrop;
  }

  /** Bytes dropped so far. */
  get total(): number {
    return this.#total;
  }

  /** Count bytes written after the file was closed (counted, not reported: the job is going away). */
  countAfterClose(bytes: number): void {
    this.#total += bytes;
  }

  /** Count a drop; warn at once, then at most once per interval with the bytes dropped since. */
  drop(bytes: number, reason: string): void {
    this.#total += bytes;
    this.#unreported += bytes;
    this.#reason = reason;
    const wait = this.#lastReport + DROP_REPORT_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.#report();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#report();
      }, wait);
      this.#timer.unref();
    }
  }

  /** The file closed: report what is pending now. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#report();
  }

  #report(): void {
    if (this.#unreported === 0) return;
    const report: DropReport = { path: this.#path, bytes: this.#unreported, total: this.#total, reason: this.#reason };
    this.#unreported = 0;
    this.#lastReport = Date.now();
    this.#logger.warn(`log file '${this.#path}': dropped ${report.bytes} bytes of output ` +
      `(${report.total} since it was opened): ${report.reason}`);
    try {
      this.#onDrop?.(report);
    } catch { /* a failing callback never breaks logging */ }
  }
}
