// gafferctl's one place turning an error into stderr lines and an exit status
// (cli.md → Exit status (gafferctl)).
import { UnreachableError, messageOf, responseBody } from '../../client/client-errors.js';
import { isGafferError } from '../../errors.js';
import type { CliIo } from '../shared/io.js';

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
      const what = messageOf(body) ?? (err.status === 404 ? notFoundSubject(details.path ?? '') : err.status === 409 ? conflictSubject(details.path ?? '', err.reason) : `bad request (${err.reason})`);
      say(`gafferctl: ${what} (${details.method} ${details.path})`);
      return 1;
    }
    if (err.status === 401) say('gafferctl: Unauthorized access. You need an API key: pass --key KEY or set GAFFERCTL_KEY');
    // gafferd answers 403 to an unknown key as well as to a key without the permission.
    else if (err.status === 403) say("gafferctl: Forbidden access. API key permissions aren't enough for this command, or gafferd does not know the key (check --key or GAFFERCTL_KEY)");
    else say(`gafferctl: ${err.message}`);
    return 1;
  }
  say(err instanceof Error ? (err.stack ?? err.message) : `gafferctl: ${String(err)}`);
  return 1;
}

// What a 404 was about, from the request path: `job 'default.web' not found`.
function notFoundSubject(path: string): string {
  const at = path.split('?')[0]!.split('/').map((p) => decodeURIComponent(p));
  if ((at[1] === 'processes' || at[1] === 'status') && at[2] !== undefined) {
    return /^\d+$/.test(at[2]) ? `process ${at[2]} not found` : `job '${qualified(at[2])}' not found`;
  }
  if (at[1] === 'jobs' && at[2] !== undefined && at[3] !== undefined) return `job '${at[2]}.${at[3]}' not found`;
  if (at[1] === 'jobs' && at[2] !== undefined) return `session '${at[2]}' not found`;
  if ((at[1] === 'pids' || at[1] === 'streams' || at[1] === 'wstreams') && at[2] !== undefined) return `process ${at[2]} not found`;
  return 'not found';
}

function conflictSubject(path: string, reason: string): string {
  return reason === 'process_conflict' || reason === 'conflict' ? 'the job is already loaded; unload it first or update it' : `conflict (${reason})`;
}

// A 0.4 name: `web` is `default.web`.
function qualified(name: string): string {
  return /[.:/]/.test(name) ? name.replace(/[:/]/, '.') : `default.${name}`;
}
