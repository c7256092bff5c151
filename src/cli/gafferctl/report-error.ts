// gafferctl's one place turning an error into stderr lines and an exit status
// (cli.md → Exit status (gafferctl)).
import { UnreachableError, messageOf, responseBody } from '../../client/client-errors.js';
import { isGafferError } from '../../errors.js';
import type { CliIo } from './io.js';

/** Print `err` for an operator and return the exit status (always 1). */
export function reportError(err: unknown, io: CliIo): number {
  const say = (line: string): void => { io.stderr.write(`${line}\n`); };
  if (err instanceof UnreachableError) {
    say(err.isTls
      ? `gafferctl: TLS connection to gafferd at ${err.endpoint} failed (${err.errno}); pass the CA that signed gafferd's certificate with --cacert FILE (and --certfile/--keyfile if it wants a client certificate)`
      : `gafferctl: cannot reach gafferd at ${err.endpoint} (${err.errno}); is it running? use --connect URL (or ${'GAFFERCTL_ENDPOINT'}) to point elsewhere`);
    return 1;
  }
  if (isGafferError(err)) {
    const body = responseBody(err);
    if (body !== undefined && (err.status === 404 || err.status === 409 || err.status === 400)) {
      // cli.md: one sentence, gafferd's message naming the job (or field), then the request it answered.
      const details = err.details as { method?: string; path?: string };
      const what = messageOf(body) ?? (err.status === 404 ? 'not found' : err.status === 409 ? 'conflict' : `bad request (${err.reason})`);
      say(`gafferctl: ${what} (${details.method} ${details.path})`);
      return 1;
    }
    if (err.status === 401) say('gafferctl: Unauthorized access. You need an API key: pass --key KEY or set GAFFERCTL_KEY');
    else if (err.status === 403) say("gafferctl: Forbidden access. API key permissions aren't enough for this command");
    else say(`gafferctl: ${err.message}`);
    return 1;
  }
  say(err instanceof Error ? (err.stack ?? err.message) : `gafferctl: ${String(err)}`);
  return 1;
}
