// gaffer's one place turning an error into stderr lines and an exit status
// (cli.md → Exit status and errors (gaffer)).
import { UnreachableError, messageOf, responseBody } from '../../client/client-errors.js';
import { isGafferError } from '../../errors.js';
import type { CliIo } from '../shared/io.js';

/** Print `err` for an operator; resolves with the exit status (1). */
export function reportError(err: unknown, io: CliIo): number {
  const say = (line: string): void => { io.stderr.write(`${line}\n`); };
  if (err instanceof UnreachableError) {
    say(err.isTls
      ? `gaffer: TLS connection to gafferd at ${err.endpoint} failed (${err.errno}); pass the CA that signed gafferd's certificate with --cacert FILE (and --certfile/--keyfile if it wants a client certificate)`
      : `gaffer: cannot reach gafferd at ${err.endpoint} (${err.errno}); is it running? use --endpoint URL (or -g URL) to point elsewhere`);
    return 1;
  }
  if (isGafferError(err)) {
    const body = responseBody(err);
    if (err.status === 401 && body !== undefined) say('Unauthorized access. You need an API key');
    else if (err.status === 403 && body !== undefined) say("Forbidden access. API key permissions aren't enough");
    else if (body !== undefined) {
      const details = err.details as { method?: string; path?: string };
      const said = messageOf(body);
      say(`HTTP Error: ${err.status} ${err.reason} (${details.method} ${details.path})${said === undefined ? '' : `: ${said}`}`);
    } else if (err.code === 'GAFFER_ERR_CONFIG_INVALID') say(`config error: ${err.message}`);
    else say(err.message);
    return 1;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  say(io.env.GAFFER_DEBUG ? (e.stack ?? e.message) : `gaffer: ${e.message}`);
  return 1;
}
