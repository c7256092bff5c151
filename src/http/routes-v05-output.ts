// `GET /jobs/<sid>/<name>/output` and its 0.4 alias `GET /processes/<name>/output`
// (additions of the port): the last lines of a job's output history — the
// in-memory ring every job keeps without configuration (`output_history`) —
// then, with `follow=true`, every new line. Works for processes that have
// already exited: this is how the last words of a crashed process are read
// without a log file.
import type { EventListener } from '../util/event-bus.js';
import type { Job } from '../core/job.js';
import type { HistoryEntry, HistoryQuery, HistoryStream } from '../core/output-history.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../httpkit/dispatcher.js';
import { json } from '../httpkit/respond.js';
import { onJob, parseFlag, type HttpRouter, type RouteDeps } from './route-support.js';
import { onPathJob, pathJob } from './routes-v05-jobs.js';

/** Lines sent when the request gives neither `lines` nor `n`. */
export const DEFAULT_OUTPUT_LINES = 10;
const TEXT = 'text/plain; charset=utf-8';

/** Register the output history routes (read permission on the job). */
export function registerV05OutputRoutes(router: HttpRouter, deps: RouteDeps): void {
  router.add('GET', '/jobs/:sid/:name/output', (ctx) => serveOutput(deps, ctx, pathJob(ctx)), onPathJob('read'));
  router.add('GET', '/processes/:name/output', (ctx) => serveOutput(deps, ctx, ctx.params.name!), onJob('read'));
}

function serveOutput(deps: RouteDeps, ctx: RequestContext, name: string): ReturnType<typeof json> | undefined {
  const manager = deps.manager();
  const job = manager.getJob(name);
  const query = parseQuery(ctx);
  const format = parseFormat(ctx.query.get('format'));
  const follow = parseFlag(ctx.query.get('follow') ?? undefined, false, 'follow', 'bad_value');
  const history = job.history;
  if (!history) {
    throw new NotFoundError('no_history', `job '${job.fullName}' keeps no output history (output_history = off in its configuration); ` +
      'set output_history (e.g. 1000) or read its log file');
  }
  if (!follow) {
    const { entries } = history.tail(query);
    if (format === 'json') return json(200, { name: job.fullName, limits: history.limits, lines: entries });
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': TEXT, 'Cache-Control': 'no-cache' });
    res.end(entries.map((e) => `${e.line}\n`).join(''));
    return undefined;
  }
  const description = `${ctx.req.method} ${ctx.url.pathname}`;
  const feed = deps.feeds.open(ctx.res, {
    kind: 'continuous', contentType: format === 'json' ? 'application/json' : TEXT, bufferLimit: deps.limits.feedBuffer, description,
  });
  // The answer and the subscription are taken together: no line is missed or sent twice.
  const send = (entry: HistoryEntry): void => {
    if (format === 'json') feed.sendJson('line', entry);
    else feed.sendData('output', Buffer.from(`${entry.line}\n`));
  };
  const { entries, stop } = history.tail(query, send);
  for (const entry of entries) send(entry);
  const onUnload = endWhenUnloaded(job, () => feed.end());
  manager.events.subscribe('unload', onUnload);
  feed.onClose(() => {
    stop();
    manager.events.unsubscribe('unload', onUnload);
  });
  return undefined;
}

// The feed ends once the job is unloaded and what its processes still write has been sent.
function endWhenUnloaded(job: Job, end: () => void): EventListener {
  return (_type, payload) => {
    if (payload.name !== job.fullName) return;
    void Promise.allSettled(job.processes.map((p) => p.exited)).then(end);
  };
}

function parseQuery(ctx: RequestContext): HistoryQuery {
  const query: HistoryQuery = { lines: parseCount(ctx.query.get('lines') ?? ctx.query.get('n'), 'lines') ?? DEFAULT_OUTPUT_LINES };
  const stream = ctx.query.get('stream');
  if (stream !== null && stream !== '' && stream !== 'all') {
    if (stream !== 'stdout' && stream !== 'stderr') {
      throw new BadRequestError('bad_value', `invalid stream ${JSON.stringify(stream)}: expected stdout, stderr or all`);
    }
    query.stream = stream as HistoryStream;
  }
  const pid = parseCount(ctx.query.get('pid'), 'pid');
  if (pid !== undefined) query.pid = pid;
  return query;
}

function parseCount(value: string | null, what: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new BadRequestError('bad_value', `invalid ${what} ${JSON.stringify(value)}: expected an integer (0 or more)`);
}

function parseFormat(value: string | null): 'text' | 'json' {
  if (value === null || value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new BadRequestError('bad_value', `invalid format ${JSON.stringify(value)}: expected text or json`);
}
