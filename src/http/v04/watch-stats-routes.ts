// 0.4 `/watch` (legacy event feed) and `/stats` (0.4 stats, plain or as a feed of `stat` events).
import type { ManagedProcess } from '../../core/managed-process.js';
import type { EventListener } from '../../util/event-bus.js';
import type { RequestContext } from '../../httpkit/dispatcher.js';
import { parseFeed, type Feed } from '../../httpkit/feeds.js';
import { json } from '../../httpkit/respond.js';
import { BadRequestError } from '../../errors.js';
import { MANAGE_ALL } from '../permissions.js';
import { LEGACY_STAT_FORMAT, legacyJobStats, legacyProcessStats } from './legacy-views.js';
import { onJob, onPid, startFeed, type HttpRouter, type RouteDeps } from '../route-support.js';
import { legacyEventsOf } from '../../legacy/legacy-events.js';

const JSON_TYPE = 'application/json';

/** Register `/watch[/...]` and `/stats[/<name>[/<pid>]]`. */
export function registerV04WatchStatsRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;

  // `/watch/proc/web/exit` subscribes to `proc.web.exit`; no segment is the wildcard.
  router.add('GET', '/watch/*pattern', (ctx) => {
    const bus = legacyEventsOf(m());
    const kind = parseFeed(ctx.query.get('feed'));
    const pattern = ctx.rest.length === 0 ? '.' : ctx.rest.join('.');
    const feed = startFeed(deps, ctx, kind, JSON_TYPE);
    const listener: EventListener = (type, payload) => feed.sendJson(type, payload);
    bus.subscribe(pattern, listener);
    feed.onClose(() => bus.unsubscribe(pattern, listener));
    return undefined;
  }, MANAGE_ALL);

  router.add('GET', '/stats', async () => {
    const jobs = m().allJobs();
    return json(200, await Promise.all(jobs.map((j) => legacyJobStats(j))));
  }, MANAGE_ALL);

  router.add('GET', '/stats/:name', async (ctx) => {
    const name = ctx.params.name!;
    const job = m().getJob(name);
    const kind = statsFeedKind(ctx);
    if (kind === undefined) return json(200, await legacyJobStats(job));
    streamStats(deps, ctx, kind, job.fullName, job.kept);
    return undefined;
  }, onJob('read'));

  router.add('GET', '/stats/:name/:pid', async (ctx) => {
    const pidText = ctx.params.pid!;
    if (!/^\d+$/.test(pidText)) throw new BadRequestError('bad_value', `invalid pid ${JSON.stringify(pidText)}: expected an internal pid (integer)`);
    const proc = m().getProcess(pidText);
    const kind = statsFeedKind(ctx);
    if (kind === undefined) return json(200, await legacyProcessStats(proc));
    streamStats(deps, ctx, kind, proc.pid, [proc]);
    return undefined;
  }, onPid(deps, 'read'));
}

// `feed` absent or `normal` → a plain answer (undefined); otherwise the feed kind.
function statsFeedKind(ctx: RequestContext): ReturnType<typeof parseFeed> | undefined {
  const value = ctx.query.get('feed');
  return value === null || value === '' || value === 'normal' ? undefined : parseFeed(value);
}

// Stream `stat` events of the given processes; the feed ends once all of them have exited.
function streamStats(deps: RouteDeps, ctx: RequestContext, kind: Feed['kind'], target: string | number, processes: ManagedProcess[]): void {
  const feed = startFeed(deps, ctx, kind, JSON_TYPE);
  if (processes.length === 0) {
    feed.end();
    return;
  }
  const unsubscribe = deps.manager().monitor(target, (event) => feed.sendJson('stat', event), { format: LEGACY_STAT_FORMAT });
  feed.onClose(unsubscribe);
  void Promise.allSettled(processes.map((p) => p.exited)).then(() => feed.end());
}
