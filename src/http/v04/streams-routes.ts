// 0.4 `/streams/<pid>/<label>`: read a process's redirected output as a feed,
// and `POST /streams/<pid>/stdin`: write the raw request body to its stdin.
import { BadRequestError, ForbiddenError, GafferError, NotFoundError, isGafferError } from '../../errors.js';
import { readBody } from '../../httpkit/body.js';
import { parseFeed } from '../../httpkit/feeds.js';
import { json } from '../../httpkit/respond.js';
import { onPid, startFeed, type HttpRouter, type RouteDeps } from '../route-support.js';

/** Register `GET /streams/<pid>/<label>` and `POST /streams/<pid>/stdin`. */
export function registerV04StreamRoutes(router: HttpRouter, deps: RouteDeps): void {
  const m = deps.manager;

  router.add('GET', '/streams/:pid/:label', (ctx) => {
    const label = ctx.params.label!;
    const proc = m().getProcess(ctx.params.pid!);
    if (proc.labels.length === 0) {
      throw new BadRequestError('io_not_redirected', `process ${proc.pid} (${proc.name}) has no redirected output; set redirect_output on its job`);
    }
    if (!proc.labels.includes(label)) {
      throw new NotFoundError('io_not_found', `process ${proc.pid} (${proc.name}) has no output '${label}'; it has: ${proc.labels.join(', ')}`);
    }
    const kind = parseFeed(ctx.query.get('feed'));
    const feed = startFeed(deps, ctx, kind, 'application/octet-stream');
    const unsubscribe = m().monitorIo(proc.pid, label, (chunk) => feed.sendData(chunk.label, chunk.data));
    feed.onClose(unsubscribe);
    // The output ends with the process: so does the feed (a pending longpoll ends empty).
    void proc.exited.then(() => feed.end());
    return undefined;
  }, onPid(deps, 'read'));

  router.add('POST', '/streams/:pid/:label', async (ctx) => {
    const proc = m().getProcess(ctx.params.pid!);
    if (ctx.params.label !== 'stdin') {
      throw new NotFoundError('not_found', `cannot write to '${ctx.params.label}': POST the data to /streams/${proc.pid}/stdin`);
    }
    if (!proc.redirectInput) {
      throw new ForbiddenError('forbidden_write', `process ${proc.pid} (${proc.name}) does not accept input: its job has redirect_input = false`);
    }
    const body = await readBody(ctx.req, deps.limits.stdinBody);
    try {
      await m().send(proc.pid, body);
    } catch (err) {
      // Exited while we were reading the body: for this route that is an unknown pid.
      if (isGafferError(err) && err.reason === 'process_exited') throw new NotFoundError('not_found', err.message, { cause: err });
      throw err;
    }
    return json(200, { ok: true });
  }, onPid(deps, 'write'));

  // `/wstreams/<pid>` is a websocket: a plain request gets a hint instead of a 404.
  router.add('GET', '/wstreams/:pid', () => {
    throw new GafferError('GAFFER_ERR_UPGRADE_REQUIRED', 426, 'upgrade_required', 'the stdin/stdout stream is a websocket endpoint: connect with ws://',
      { details: { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } } });
  }, onPid(deps, 'write'));
}
