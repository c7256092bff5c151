// 0.5 sessions and jobs: `/sessions`, `/jobs`, `/jobs/<sid>` (list, load) and
// `/jobs/<sid>/<name>` (HEAD/GET/PUT/DELETE). Manager reasons are renamed to
// the 0.5 ones: any invalid config is `bad_request`, a conflict `process_conflict`.
import { BadRequestError, type GafferError } from '../errors.js';
import { readJson } from '../httpkit/body.js';
import type { RequestContext } from '../httpkit/dispatcher.js';
import { empty, json } from '../httpkit/respond.js';
import { fullName, parseJobName } from '../util/names.js';
import { MANAGE_ALL, type RouteAuth } from './permissions.js';
import { isPlainObject, parseFlag, renameReason, runInBackground, withReasons, type HttpRouter, type RouteDeps } from './route-support.js';

/** 0.5 reasons for Manager errors on load/update. */
export function v05Reason(err: GafferError): string | undefined {
  if (err.status === 400) return 'bad_request';
  if (err.status === 409) return 'process_conflict';
  return undefined;
}

/** The full name designated by `/jobs/<sid>/<name>`. */
export function pathJob(ctx: RequestContext): string {
  return fullName(ctx.params.sid!, ctx.params.name!);
}

/** Route metadata: permission on the session of the path, or on the job of the path. */
export function onSession(permission: RouteAuth['permission']): RouteAuth {
  return { permission, target: (ctx) => ctx.params.sid };
}

export function onPathJob(permission: RouteAuth['permission']): RouteAuth {
  return { permission, target: (ctx) => pathJob(ctx) };
}

/** Register `/sessions`, `/jobs`, `/jobs/<sid>` and `/jobs/<sid>/<name>`. */
export function registerV05JobRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  const limit = deps.limits.jsonBody;
  router.add('GET', '/sessions', () => json(200, { sessions: m().sessions }), MANAGE_ALL);
  router.add('GET', '/jobs', () => json(200, { jobs: m().jobs() }), MANAGE_ALL);
  router.add('GET', '/jobs/:sid', (ctx) => json(200, { sessionid: ctx.params.sid!, jobs: m().jobs(ctx.params.sid!) }), onSession('manage'));

  router.add('POST', '/jobs/:sid', async (ctx) => {
    const sid = ctx.params.sid!;
    const body = await readJson(ctx.req, { reason: 'bad_request', limit });
    if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'invalid process config: expected a JSON object with "name" and "cmd"');
    let name = body.name;
    if (typeof name === 'string') {
      const d = parseJobName(name, sid);
      if (d.sessionid !== sid) throw new BadRequestError('bad_request', `job name '${name}' designates session '${d.sessionid}', not '${sid}'`);
      name = d.name;
    }
    const start = parseFlag(body.start, true, 'start', 'bad_request');
    await withReasons(() => m().load({ ...body, name }, { sessionid: sid, start }), v05Reason);
    return json(200, { ok: true });
  }, onSession('manage'));

  router.add('HEAD', '/jobs/:sid/:name', (ctx) => {
    m().getJob(pathJob(ctx));
    return empty(200);
  }, onPathJob('read'));
  router.add('GET', '/jobs/:sid/:name', (ctx) => json(200, m().info(pathJob(ctx))), onPathJob('read'));

  router.add('PUT', '/jobs/:sid/:name', async (ctx) => {
    const full = pathJob(ctx);
    const job = m().getJob(full);
    const body = await readJson(ctx.req, { reason: 'bad_request', limit });
    if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'invalid process config: expected a JSON object with "cmd"');
    if (body.name !== undefined && body.name !== job.name && body.name !== full) {
      throw new BadRequestError('bad_request', `template name conflict with the path: body name ${JSON.stringify(body.name)}, path name '${job.name}'`);
    }
    const start = parseFlag(body.start, true, 'start', 'bad_request');
    try {
      runInBackground(deps.logger, m().update({ ...body, name: full }, { start }), `updating job ${full}`);
    } catch (err) {
      throw renameReason(err, v05Reason);
    }
    return json(201, { ok: true });
  }, onPathJob('manage'));

  router.add('DELETE', '/jobs/:sid/:name', (ctx) => {
    const full = pathJob(ctx);
    runInBackground(deps.logger, m().unload(full), `unloading job ${full}`);
    return json(200, { ok: true });
  }, onPathJob('manage'));
}
