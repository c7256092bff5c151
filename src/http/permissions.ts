import type { IncomingMessage } from 'node:http';
import { ForbiddenError } from '../errors.js';
import type { RequestContext } from '../httpkit/dispatcher.js';

/**
 * Permission names of the route tables (auth.md): `manage-all` (no target),
 * `manage`, `write`, `read` on a target (a session id or a job full name).
 * `none` routes (`/`, `/ping`, `/version`) never consult the hook.
 */
export type Permission = 'none' | 'manage-all' | 'manage' | 'write' | 'read';

/**
 * Decides whether a request may perform an operation. Return `false` (→ 403
 * `forbidden`) or throw a GafferError (401 `unauthorized`, 403 `forbidden`)
 * to refuse; anything else allows. `target` is a session id or job full
 * name, or undefined for `manage-all` and for an unknown pid (the route then
 * answers 404 itself).
 */
export type AuthorizeHook = (req: IncomingMessage, permission: Permission, target: string | undefined) =>
  boolean | void | Promise<boolean | void>;

/** Route metadata: the permission a route needs and how to find its target. */
export interface RouteAuth {
  permission: Permission;
  target?: (ctx: RequestContext) => string | undefined | Promise<string | undefined>;
}

export const NO_AUTH: RouteAuth = { permission: 'none' };
export const MANAGE_ALL: RouteAuth = { permission: 'manage-all' };

/** Run the hook for a route (nothing to do without a hook or for `none` routes). */
export async function checkPermission(hook: AuthorizeHook | undefined, ctx: RequestContext, auth: RouteAuth): Promise<void> {
  if (!hook || auth.permission === 'none') return;
  const target = auth.target ? await auth.target(ctx) : undefined;
  const allowed = await hook(ctx.req, auth.permission, target);
  if (allowed === false) {
    throw new ForbiddenError('forbidden', `${auth.permission} permission${target ? ` on '${target}'` : ''} is required for ${ctx.req.method} ${ctx.url.pathname}`);
  }
}
