import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { ForbiddenError } from '../errors.js';
import type { RequestContext } from '../httpkit/dispatcher.js';
import { FULL_ACCESS, type AccessRight, type ChannelAuth, type KeyInfo } from '../protocol/auth.js';
import { toBuffer } from './ws-support.js';

/**
 * Permission names of the route tables (auth.md): `manage-all` and `read-all` (no target),
 * `manage`, `write`, `read` on a target (a session id or a job full name).
 * `none` routes (`/`, `/ping`, `/version`) never consult the hook.
 */
export type Permission = 'none' | 'manage-all' | 'read-all' | 'manage' | 'write' | 'read';

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
/** Read access to every job (a key with `read: ["*"]`): `/metrics`. */
export const READ_ALL: RouteAuth = { permission: 'read-all' };

/** Run the hook for a route (nothing to do without a hook or for `none` routes). */
export async function checkPermission(hook: AuthorizeHook | undefined, ctx: RequestContext, auth: RouteAuth): Promise<void> {
  if (!hook || auth.permission === 'none') return;
  const target = auth.target ? await auth.target(ctx) : undefined;
  const allowed = await hook(ctx.req, auth.permission, target);
  if (allowed === false) {
    throw new ForbiddenError('forbidden', `${auth.permission} permission${target ? ` on '${target}'` : ''} is required for ${ctx.req.method} ${ctx.url.pathname}`);
  }
}

/** What the HTTP hook needs from auth/Authenticator. */
export interface RequestAuthenticator {
  authenticateRequest(req: IncomingMessage): Promise<KeyInfo>;
  can(caller: KeyInfo, right: AccessRight, target?: string): boolean;
}

/**
 * The authorize hook of an authenticator (auth.md → Permission required per
 * route): 401/403 from authentication, then the route's right. A route
 * without a target (unknown pid, unreadable body) is let through so it
 * answers 404/400 itself.
 */
export function authorizeWith(auth: RequestAuthenticator): AuthorizeHook {
  return async (req, permission, target) => {
    const caller = await auth.authenticateRequest(req);
    if (permission === 'none') return true;
    if (permission === 'manage-all') return auth.can(caller, 'manage-all');
    if (permission === 'read-all') return auth.can(caller, 'read-all');
    return target === undefined || auth.can(caller, permission, target);
  };
}

/** How long a websocket may stay open without its `AUTH:<key>` message when keys are required. */
export const SOCKET_AUTH_TIMEOUT_MS = 30_000;

/** One websocket endpoint's side of first-message authentication. */
export interface SocketAuthHandlers {
  /** The key of an `AUTH:<key>` message, or undefined when `message` is not one. */
  keyOf(message: Buffer): string | undefined;
  /** Answer an accepted `AUTH:` message (the PID channel replies `OK`). */
  acknowledge(message: Buffer): void;
  /** Tell the client authentication failed, and close. */
  refuse(): void;
  /** Open the endpoint for `caller`; returns the handler of the next messages, or undefined when it closed the socket. */
  open(caller: KeyInfo): ((message: Buffer) => void) | undefined;
}

/**
 * Authenticate a websocket with its first message (http-api.md → PID
 * channel, auth.md): when keys are required nothing is opened before a
 * valid `AUTH:<key>`, and messages sent meanwhile are held, then replayed.
 * When keys are not required the endpoint opens at once with full rights
 * and a first `AUTH:` message is acknowledged and dropped (clients holding
 * a key always send it), never written to the process.
 */
export function authenticateSocket(ws: WebSocket, auth: ChannelAuth | undefined, handlers: SocketAuthHandlers, timeoutMs = SOCKET_AUTH_TIMEOUT_MS): void {
  let handler: ((message: Buffer) => void) | undefined;
  let state: 'first' | 'verifying' | 'open' | 'closed' = 'first';
  const held: Buffer[] = [];
  const required = auth?.required === true;
  if (!required) {
    handler = handlers.open(FULL_ACCESS);
    if (!handler) return;
  }
  const timer = required ? setTimeout(() => {
    if (state === 'first' || state === 'verifying') refuse();
  }, timeoutMs) : undefined;
  const refuse = (): void => {
    state = 'closed';
    clearTimeout(timer);
    handlers.refuse();
  };
  ws.once('close', () => {
    state = 'closed';
    clearTimeout(timer);
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const message = toBuffer(data);
    if (state === 'open') {
      handler?.(message);
      return;
    }
    if (state === 'verifying') {
      held.push(message);
      return;
    }
    if (state !== 'first') return;
    const key = handlers.keyOf(message);
    if (!required) {
      state = 'open';
      if (key === undefined) handler?.(message);
      else handlers.acknowledge(message);
      return;
    }
    if (key === undefined || key === '') {
      refuse();
      return;
    }
    state = 'verifying';
    auth!.verify(key).then((caller) => {
      if (state !== 'verifying') return;
      if (!caller) {
        refuse();
        return;
      }
      clearTimeout(timer);
      state = 'open';
      handlers.acknowledge(message);
      handler = handlers.open(caller);
      for (const m of held.splice(0)) handler?.(m);
    }, () => refuse());
  });
}
