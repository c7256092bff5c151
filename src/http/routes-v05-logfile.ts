// `GET /jobs/<sid>/<name>/logfile` (an addition of the port): the last lines
// of a job's stdout or stderr log file (`stdout_logfile`/`stderr_logfile`),
// then, with `follow=true`, what the job writes to that file afterwards. The
// tail is read by log-tail.ts, the following by log-follow.ts.
import { BadRequestError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../httpkit/dispatcher.js';
import { LiveOutput } from './log-follow.js';
import { isClosed, prepareTails, selectLog, sendTails, type LogStream, type TailPart } from './log-tail.js';
import { parseFlag, type HttpRouter, type RouteDeps } from './route-support.js';
import { onPathJob, pathJob } from './routes-v05-jobs.js';

/** Lines sent when the request gives no `lines`. */
export const DEFAULT_TAIL_LINES = 10;
const TEXT = 'text/plain; charset=utf-8';

/** Register `GET /jobs/<sid>/<name>/logfile` (read permission on the job, like `GET /jobs/<sid>/<name>`). */
export function registerV05LogfileRoutes(router: HttpRouter, deps: RouteDeps): void {
  router.add('GET', '/jobs/:sid/:name/logfile', (ctx) => serveLogfile(deps, ctx), onPathJob('read'));
}

async function serveLogfile(deps: RouteDeps, ctx: RequestContext): Promise<undefined> {
  const manager = deps.manager();
  const job = manager.getJob(pathJob(ctx));
  const stream = parseStream(ctx.query.get('stream'));
  const lines = parseLines(ctx.query.get('lines'));
  const follow = parseFlag(ctx.query.get('follow') ?? undefined, false, 'follow', 'bad_value');
  const selection = selectLog(job, stream);
  if (!selection) {
    throw new NotFoundError('no_logfile', `job '${job.fullName}' writes no ${stream} log file: set ${stream}_logfile in its configuration` +
      (stream === 'stderr' ? ' (or stdout_logfile for one file with both streams)' : ''));
  }
  const res = ctx.res;
  const description = `${ctx.req.method} ${ctx.url.pathname}`;
  // Listening starts before the file is read, so nothing written in between is missed.
  const live = follow ? new LiveOutput(manager, job, selection, deps.limits.feedBuffer, () => {
    deps.logger.warn(`${description}: client ${res.socket?.remoteAddress ?? ''} is too slow (more than ` +
      `${deps.limits.feedBuffer} bytes of output waiting while the tail is sent); closing its connection`);
    res.destroy();
  }) : undefined;
  if (live) res.once('close', () => live.close());
  let parts: TailPart[] = [];
  try {
    parts = await prepareTails(job, selection, lines, live);
    if (!live) {
      res.writeHead(200, { 'Content-Type': TEXT, 'Cache-Control': 'no-cache' });
      await sendTails(parts, selection, res, () => isClosed(res));
      res.end();
      return undefined;
    }
    // No heartbeat: it would add blank lines to the log text.
    const feed = deps.feeds.open(res, { kind: 'continuous', contentType: TEXT, bufferLimit: deps.limits.feedBuffer, description });
    feed.onClose(() => live.close());
    await sendTails(parts, selection, res, () => feed.isClosed);
    if (!feed.isClosed) live.start(feed, selection.perProcess ? parts.at(-1)?.path : undefined);
    return undefined;
  } catch (err) {
    live?.close();
    throw err;
  } finally {
    await Promise.allSettled(parts.map((p) => p.handle?.close()));
  }
}

function parseStream(value: string | null): LogStream {
  if (value === null || value === '' || value === 'stdout') return 'stdout';
  if (value === 'stderr') return 'stderr';
  throw new BadRequestError('bad_value', `invalid stream ${JSON.stringify(value)}: expected stdout or stderr`);
}

function parseLines(value: string | null): number {
  if (value === null || value === '') return DEFAULT_TAIL_LINES;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new BadRequestError('bad_value', `invalid lines ${JSON.stringify(value)}: expected a number of lines (0 or more)`);
}
