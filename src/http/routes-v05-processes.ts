// 0.5 process routes: `/pids`, `/<pid>` (HEAD/GET/DELETE), `/<pid>/signal`, `/<pid>/stats`.
import { BadRequestError, GafferError } from '../errors.js';
import { readJson } from '../httpkit/body.js';
import { empty, json } from '../httpkit/respond.js';
import { parseSignal } from '../util/signals.js';
import { MANAGE_ALL } from './permissions.js';
import { isPlainObject, onPid, runInBackground, type HttpRouter, type RouteDeps } from './route-support.js';

const PID = ':pid<\\d+>';

/** Register the 0.5 process routes (all-digit first segment = internal pid). */
export function registerV05ProcessRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  router.add('GET', '/pids', () => json(200, { pids: m().pids() }), MANAGE_ALL);

  router.add('HEAD', `/${PID}`, (ctx) => {
    m().getProcess(ctx.params.pid!);
    return empty(200);
  }, onPid(deps, 'read'));
  router.add('GET', `/${PID}`, (ctx) => json(200, m().processInfo(ctx.params.pid!)), onPid(deps, 'read'));
  router.add('DELETE', `/${PID}`, (ctx) => {
    const pid = ctx.params.pid!;
    runInBackground(deps.logger, m().stopProcess(pid), `stopping process ${pid}`);
    return json(202, { ok: true });
  }, onPid(deps, 'manage'));

  router.add('POST', `/${PID}/signal`, async (ctx) => {
    const body = await readJson(ctx.req, { reason: 'bad_request', limit: deps.limits.jsonBody });
    if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'expected a JSON object {"signal": <number or name>}');
    m().kill(ctx.params.pid!, parseSignal(body.signal));
    return json(202, { ok: true });
  }, onPid(deps, 'manage'));

  router.add('GET', `/${PID}/stats`, async (ctx) => json(200, { stats: await m().processStats(ctx.params.pid!) }), onPid(deps, 'read'));

  // The channel is a websocket: a plain request gets a hint instead of a 404.
  router.add('GET', `/${PID}/channel/*stream`, () => {
    throw new GafferError('GAFFER_ERR_UPGRADE_REQUIRED', 426, 'upgrade_required', 'the PID channel is a websocket endpoint: connect with ws://',
      { details: { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } } });
  }, onPid(deps, 'read'));
}
