// The log lines of gaffer_lookupd: timestamped, to stderr; debug only with -v.
import type { Logger } from '../../core/logger.js';

export function createStderrLogger(verbose: boolean, stream: { write(text: string): unknown } = process.stderr): Logger {
  const line = (level: string, message: string): void => {
    stream.write(`${new Date().toISOString()} [${level}] ${message}\n`);
  };
  return {
    debug: (m) => { if (verbose) line('DEBUG', m); },
    info: (m) => line('INFO', m),
    warn: (m) => line('WARNING', m),
    error: (m) => line('ERROR', m),
  };
}
