// 0.5 job actions under `/jobs/<sid>/<name>/`: stats, numprocesses, signal,
// state, pids and commit.
import { BadRequestError } from '../errors.js';
import { readBody, readJson } from '../httpkit/body.js';
import { json, text } from '../httpkit/respond.js';
import { parseSeconds } from '../util/duration.js';
import { parseScale } from '../util/scale.js';
import { parseSignal } from '../util/signals.js';
import { isPlainObject, renameReason, runInBackground, withReasons, type HttpRouter, type RouteDeps } from './route-support.js';
import { onPathJob, onSession, pathJob } from './routes-v05-jobs.js';

const BASE = '/jobs/:sid/:name';

/** Register the `/jobs/<sid>/<name>/<action>` routes. */
export function registerV05JobActionRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;
  const limit = deps.limits.jsonBody;
  // Parse a JSON object body; 0.5 answers `bad_request` for anything malformed.
  const objectBody = async (req: Parameters<typeof readJson>[0], allowEmpty = false): Promise<Record<string, unknown>> => {
    const body = await readJson(req, { reason: 'bad_request', limit, allowEmpty });
    if (body === undefined) return {};
    if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'the request body must be a JSON object');
    return body;
  };

  router.add('GET', `${BASE}/stats`, async (ctx) => json(200, await m().stats(pathJob(ctx))), onPathJob('read'));

  router.add('GET', `${BASE}/numprocesses`, (ctx) => json(200, { numprocesses: m().getJob(pathJob(ctx)).numprocesses }), onPathJob('read'));
  router.add('POST', `${BASE}/numprocesses`, async (ctx) => {
    const body = await objectBody(ctx.req);
    if (!('scale' in body)) throw new BadRequestError('bad_request', 'missing "scale": expected {"scale": 1, "+2", "-1" or "=3"}');
    return json(200, { numprocesses: m().scale(pathJob(ctx), parseScale(body.scale)) });
  }, onPathJob('manage'));

  router.add('POST', `${BASE}/signal`, async (ctx) => {
    const body = await objectBody(ctx.req);
    // This route answers `bad_request` for an unknown signal (the process route keeps `bad_signal`).
    const signum = await withReasons(() => parseSignal(body.signal), () => 'bad_request');
    m().killall(pathJob(ctx), signum);
    return json(202, { ok: true });
  }, onPathJob('manage'));

  router.add('GET', `${BASE}/state`, (ctx) => text(200, m().getJob(pathJob(ctx)).active ? '1' : '0'), onPathJob('read'));
  router.add('POST', `${BASE}/state`, async (ctx) => {
    const full = pathJob(ctx);
    const value = (await readBody(ctx.req, limit)).toString('utf8').trim();
    if (value === '1') m().startJob(full);
    else if (value === '0') runInBackground(deps.logger, m().stopJob(full), `stopping job ${full}`);
    else if (value === '2') {
      const reloading = m().reload(full);
      // A rolling reload answers when it is over, so the client learns whether it failed (409 reload_failed).
      if (m().getJob(full).rollout) {
        await reloading;
        return json(200, { ok: true });
      }
      runInBackground(deps.logger, reloading, `reloading job ${full}`);
    }
    else throw new BadRequestError('bad_request', `invalid state ${JSON.stringify(value)}: expected 1 (start), 0 (stop) or 2 (reload)`);
    return json(202, { ok: true });
  }, onPathJob('manage'));

  router.add('GET', `${BASE}/pids`, (ctx) => json(200, { pids: m().pids(pathJob(ctx)) }), onPathJob('read'));

  router.add('POST', `${BASE}/commit`, async (ctx) => {
    const body = await objectBody(ctx.req, true);
    return json(200, { pid: await m().commit(pathJob(ctx), parseCommitOptions(body)) });
  }, onSession('manage'));
}

/** `{"graceful_timeout": 10, "env": {"K": "V"}}`, both optional; 400 `bad_request` otherwise. */
export function parseCommitOptions(body: Record<string, unknown>): { gracefulTimeout?: number; env?: Record<string, string> } {
  const options: { gracefulTimeout?: number; env?: Record<string, string> } = {};
  if (body.graceful_timeout !== undefined && body.graceful_timeout !== null) {
    try {
      options.gracefulTimeout = parseSeconds(body.graceful_timeout, 'graceful_timeout');
    } catch (err) {
      throw renameReason(err, () => 'bad_request');
    }
  }
  if (body.env !== undefined && body.env !== null) {
    if (!isPlainObject(body.env)) throw new BadRequestError('bad_request', 'invalid "env": expected an object of NAME -> value');
    options.env = Object.fromEntries(Object.entries(body.env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return options;
}
