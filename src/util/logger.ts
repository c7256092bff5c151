/**
 * Structured context of a log line (job, pid, os_pid, exit_status…): the text
 * format ignores it (the message already says it), the JSON format adds it.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The logger the core writes to; the daemon passes a real one, the default is silent. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
