// 0.4 groups = sessions: list, members, start/stop/restart and unload a whole session.
import type { RequestContext } from '../../httpkit/dispatcher.js';
import { json } from '../../httpkit/respond.js';
import { MANAGE_ALL, type RouteAuth } from '../permissions.js';
import { noSuchRoute, runInBackground, type HttpRouter, type RouteDeps } from '../route-support.js';

const OK = { ok: true };
const MANAGE_GROUP: RouteAuth = { permission: 'manage', target: (ctx: RequestContext) => ctx.params.group };

/** Register `/groups...`. */
export function registerV04GroupRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  router.add('GET', '/groups', () => json(200, m().sessions), MANAGE_ALL);
  router.add('GET', '/groups/:group', (ctx) => json(200, m().sessionJobs(ctx.params.group!).map((j) => j.legacyName)), MANAGE_GROUP);
  router.add('DELETE', '/groups/:group', (ctx) => {
    const group = ctx.params.group!;
    runInBackground(deps.logger, m().unloadSession(group), `unloading group ${group}`);
    return json(200, OK);
  }, MANAGE_GROUP);
  router.add('POST', '/groups/:group/_start', (ctx) => {
    m().startSession(ctx.params.group!);
    return json(200, OK);
  }, MANAGE_GROUP);
  router.add('POST', '/groups/:group/_stop', (ctx) => {
    const group = ctx.params.group!;
    runInBackground(deps.logger, m().stopSession(group), `stopping group ${group}`);
    return json(200, OK);
  }, MANAGE_GROUP);
  router.add('POST', '/groups/:group/_restart', (ctx) => {
    const group = ctx.params.group!;
    runInBackground(deps.logger, m().restartSession(group), `restarting group ${group}`);
    return json(200, OK);
  }, MANAGE_GROUP);
  router.add('*', '/groups/:group/:action/*more', (ctx) => { throw noSuchRoute(ctx); }, MANAGE_GROUP);
}
