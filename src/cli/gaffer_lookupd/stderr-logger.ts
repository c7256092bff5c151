// The log lines of gaffer_lookupd: timestamped, to stderr; debug only with -v; credentials in URLs masked.
import type { Logger } from '../../util/logger.js';
import { redactCredentials } from '../../util/redact.js';

export function createStderrLogger(verbose: boolean, stream: { write(text: string): unknown } = process.stderr): Logger {
  const line = (level: string, message: string): void => {
    stream.write(`${new Date().toISOString()} [${level}] ${redactCredentials(message)}\n`);
  };
  return {
    debug: (m) => { if (verbose) line('DEBUG', m); },
    info: (m) => line('INFO', m),
    warn: (m) => line('WARNING', m),
    error: (m) => line('ERROR', m),
  };
}
