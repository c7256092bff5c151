// 0.4 `/processes` and `/status`: jobs ("process templates") by legacy name,
// and processes by internal pid (all-digit segments).
import { GafferError, BadRequestError } from '../../errors.js';
import type { RequestContext } from '../../httpkit/dispatcher.js';
import { readJson } from '../../httpkit/body.js';
import { empty, json } from '../../httpkit/respond.js';
import { parseJobName } from '../../util/names.js';
import { MANAGE_ALL, type RouteAuth } from '../permissions.js';
import { legacyJobConfig, legacyStatus } from './legacy-views.js';
import { parseV04Signal } from './reasons.js';
import { isPlainObject, noSuchRoute, onJob, onPid, parseCount, parseFlag, runInBackground, type HttpRouter, type RouteDeps } from '../route-support.js';

const PID = ':pid<\\d+>';
const OK = { ok: true };

/** Register `/processes...` and `/status/<name>`. */
export function registerV04ProcessRoutes(router: HttpRouter, deps: RouteDeps): void {
  registerPidRoutes(router, deps);
  registerJobRoutes(router, deps);
  registerJobActions(router, deps);
  router.add('GET', '/status/:name', (ctx) => json(200, legacyStatus(deps.manager().getJob(ctx.params.name!))), onJob('read'));
}

function registerPidRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  const stop = (ctx: RequestContext): ReturnType<typeof json> => {
    const pid = ctx.params.pid!;
    runInBackground(deps.logger, m().stopProcess(pid), `stopping process ${pid}`);
    return json(200, OK);
  };
  router.add('HEAD', `/processes/${PID}`, (ctx) => {
    m().getProcess(ctx.params.pid!);
    return empty(200);
  }, onPid(deps, 'read'));
  router.add('GET', `/processes/${PID}`, (ctx) => json(200, legacyJobConfig(m(), m().jobOf(ctx.params.pid!))), onPid(deps, 'read'));
  router.add('DELETE', `/processes/${PID}`, stop, onPid(deps, 'manage'));
  router.add('POST', `/processes/${PID}/_stop`, stop, onPid(deps, 'manage'));
  router.add('POST', `/processes/${PID}/_signal`, (ctx) => {
    m().getProcess(ctx.params.pid!);
    throw noSignalNumber();
  }, onPid(deps, 'manage'));
  router.add('POST', `/processes/${PID}/_signal/:sig`, (ctx) => {
    m().kill(ctx.params.pid!, parseV04Signal(ctx.params.sig));
    return json(200, OK);
  }, onPid(deps, 'manage'));
  router.add('*', `/processes/${PID}/:action/*more`, (ctx) => { throw noSuchRoute(ctx); }, onPid(deps, 'read'));
}

function registerJobRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  const limit = deps.limits.jsonBody;
  router.add('GET', '/processes', (ctx) => {
    const running = ctx.query.get('running');
    if (running === 'true' || running === '1') return json(200, m().pids());
    return json(200, m().allJobs().map((j) => j.legacyName));
  }, MANAGE_ALL);

  const loadTarget: RouteAuth = {
    permission: 'manage',
    // The session is in the body; an unreadable body gives no target (the handler then answers 400/413).
    target: async (ctx) => {
      const body = await readJson(ctx.req, { reason: 'invalid_json', limit }).catch(() => undefined);
      const name = isPlainObject(body) ? body.name : undefined;
      return typeof name === 'string' ? parseJobName(name).sessionid : undefined;
    },
  };
  router.add('POST', '/processes', async (ctx) => {
    const body = await readJson(ctx.req, { reason: 'invalid_json', limit });
    const start = isPlainObject(body) ? parseFlag(body.start, true, 'start', 'invalid_process_info') : true;
    m().load(body, { start });
    return json(200, OK);
  }, loadTarget);

  router.add('HEAD', '/processes/:name', (ctx) => {
    m().getJob(ctx.params.name!);
    return empty(200);
  }, onJob('read'));
  router.add('GET', '/processes/:name', (ctx) => json(200, legacyJobConfig(m(), m().getJob(ctx.params.name!))), onJob('read'));

  // PUT (and POST, as the 0.4 docs show) update the job; `start` defaults to false.
  const update = async (ctx: RequestContext): Promise<ReturnType<typeof json>> => {
    const name = ctx.params.name!;
    if (/^\d+$/.test(name)) {
      throw new GafferError('GAFFER_ERR_METHOD_NOT_ALLOWED', 405, 'method_not_allowed', `a process cannot be updated: use PUT /processes/<job name>`,
        { details: { headers: { Allow: 'HEAD, GET, DELETE, OPTIONS' } } });
    }
    // An unknown job is a 404 whatever the body (as on the 0.5 route).
    m().getJob(name);
    const body = await readJson(ctx.req, { reason: 'invalid_json', limit });
    if (!isPlainObject(body)) throw new BadRequestError('invalid_process_info', 'the job config must be a JSON object with "cmd"');
    const start = parseFlag(body.start, false, 'start', 'invalid_process_info');
    runInBackground(deps.logger, m().update({ ...body, name }, { start }), `updating job ${name}`);
    return json(200, OK);
  };
  router.add(['PUT', 'POST'], '/processes/:name', update, onJob('manage'));

  router.add('DELETE', '/processes/:name', (ctx) => {
    const name = ctx.params.name!;
    runInBackground(deps.logger, m().unload(name), `unloading job ${name}`);
    return json(200, OK);
  }, onJob('manage'));
}

function registerJobActions(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  const base = '/processes/:name';
  router.add('GET', `${base}/_pids`, (ctx) => json(200, { ok: true, pids: m().pids(ctx.params.name!) }), onJob('read'));
  router.add('POST', `${base}/_start`, (ctx) => {
    m().startJob(ctx.params.name!);
    return json(200, OK);
  }, onJob('manage'));
  router.add('POST', `${base}/_stop`, (ctx) => {
    const name = ctx.params.name!;
    runInBackground(deps.logger, m().stopJob(name), `stopping job ${name}`);
    return json(200, OK);
  }, onJob('manage'));
  router.add('POST', `${base}/_restart`, async (ctx) => {
    const name = ctx.params.name!;
    const restarting = m().restartJob(name);
    // A rolling restart answers when it is over (409 reload_failed if a replacement never got ready).
    if (m().getJob(name).rollout) await restarting;
    else runInBackground(deps.logger, restarting, `restarting job ${name}`);
    return json(200, OK);
  }, onJob('manage'));

  for (const [action, op] of [['_add', 'add'], ['_sub', 'sub']] as const) {
    const scale = (ctx: RequestContext): ReturnType<typeof json> => {
      const n = parseCount(ctx.params.n, 1);
      return json(200, { ok: true, numprocesses: m().scale(ctx.params.name!, { op, n }) });
    };
    router.add('POST', `${base}/${action}`, scale, onJob('manage'));
    router.add('POST', `${base}/${action}/:n`, scale, onJob('manage'));
  }

  router.add('POST', `${base}/_signal`, (ctx) => {
    m().getJob(ctx.params.name!);
    throw noSignalNumber();
  }, onJob('manage'));
  router.add('POST', `${base}/_signal/:sig`, (ctx) => {
    m().killall(ctx.params.name!, parseV04Signal(ctx.params.sig));
    return json(200, OK);
  }, onJob('manage'));
  // Unknown actions and known actions with the wrong method.
  router.add('*', `${base}/:action/*more`, (ctx) => { throw noSuchRoute(ctx); }, onJob('read'));
}

function noSignalNumber(): BadRequestError {
  return new BadRequestError('no_signal_number', 'no signal given: POST .../_signal/<sig> with a number or a name such as HUP');
}
