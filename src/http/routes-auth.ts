// 0.5 authentication routes (auth.md → Key and user routes): `GET /auth`
// (HTTP Basic), `/keys...`, `/users...`. Each handler authenticates its
// caller and applies its own rule (create_key, create_user, admin, or the
// caller's own key/user); errors are answered here with the key redacted
// from the logged path, so API keys never reach the log. Nobody but an admin
// hands out, reads, changes or deletes a key or user whose rights exceed its
// own (403 `permission_escalation`), and only admins see other users' keys.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Authenticator } from '../auth/authenticator.js';
import { missingRights, normalizePermissions } from '../auth/key-permissions.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { readJson } from '../httpkit/body.js';
import type { RequestContext, RouteHandler } from '../httpkit/dispatcher.js';
import { empty, json, sendError } from '../httpkit/respond.js';
import type { KeyInfo, KeyPermissions, UserRecord, UserType } from '../protocol/auth.js';
import { NO_AUTH } from './permissions.js';
import { isPlainObject, type HttpRouter, type RouteDeps } from './route-support.js';

// These routes check their callers themselves (their rules are not per-job), so the hook is not consulted.
const CHECKED_BY_HANDLER = NO_AUTH;
const OK = { ok: true };

/** Register `/auth`, `/keys...` and `/users...`. */
export function registerAuthRoutes(router: HttpRouter, deps: RouteDeps, auth: Authenticator): void {
  const add = (methods: Parameters<HttpRouter['add']>[0], pattern: string, handler: RouteHandler): void => {
    router.add(methods, pattern, guarded(deps, pattern, handler), CHECKED_BY_HANDLER);
  };
  registerLogin(add, auth);
  registerKeys(add, deps, auth);
  registerUsers(add, deps, auth);
}

type Add = (methods: Parameters<HttpRouter['add']>[0], pattern: string, handler: RouteHandler) => void;

// `GET`/`HEAD /auth`: Basic credentials → the user's key (404 when keys are not required).
function registerLogin(add: Add, auth: Authenticator): void {
  add(['GET', 'HEAD'], '/auth', async (ctx) => {
    if (!auth.required) throw new NotFoundError('not_found', 'API keys are not required on this gafferd: there is nothing to log in to');
    // Browsers and curl answer a 401 with a Basic challenge by sending credentials.
    ctx.res.setHeader('WWW-Authenticate', 'Basic realm="gaffer", charset="UTF-8"');
    const user = await auth.authenticateBasic(header(ctx.req, 'authorization'));
    ctx.res.removeHeader('WWW-Authenticate');
    return json(200, { api_key: user.key }, user.key === null ? undefined : { 'X-Api-Key': user.key });
  });
}

function registerKeys(add: Add, deps: RouteDeps, auth: Authenticator): void {
  add('GET', '/keys', async (ctx) => {
    auth.authorize(await auth.authenticateRequest(ctx.req), 'admin');
    const keys = auth.keys.list();
    return json(200, { keys: flag(ctx, 'include_keys') ? keys : keys.map((k) => k.key) });
  });

  add('POST', '/keys', async (ctx) => {
    const caller = await auth.authenticateRequest(ctx.req);
    auth.authorize(caller, 'create_key');
    const body = await readJson(ctx.req, { reason: 'bad_request', limit: deps.limits.jsonBody, allowEmpty: true }) ?? {};
    if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'expected a JSON object {"permissions": {...}, "label": "...", "parent": "<key>"}');
    const permissions = normalizePermissions(body.permissions);
    if (permissions.admin === true) auth.authorize(caller, 'admin');
    assertWithin(auth, caller, permissions, 'the new key would have', 'a key created by a non-admin can only hold rights of its creator');
    if (body.parent !== undefined && body.parent !== null && typeof body.parent !== 'string') {
      throw new BadRequestError('bad_request', 'invalid "parent": expected an API key');
    }
    if (typeof body.parent === 'string' && body.parent !== caller.key) {
      const parent = auth.keys.get(body.parent);
      if (parent) assertWithin(auth, caller, parent.permissions, 'the parent key has', 'name your own key or one within your rights as parent');
    }
    const created = auth.keys.create({ permissions, label: body.label as string | undefined, parent: (body.parent ?? undefined) as string | undefined });
    return json(200, { ok: true, api_key: created.key }, {
      'X-Api-Key': created.key,
      Location: `${schemeOf(ctx.req)}://${ctx.req.headers.host ?? 'localhost'}/keys/${created.key}`,
    });
  });

  // A key may always inspect and delete itself; other keys need create_key and rights covering theirs.
  const ownOrCreateKey = async (ctx: RequestContext): Promise<string> => {
    const caller = await auth.authenticateRequest(ctx.req);
    const key = ctx.params.key!;
    if (caller.key === '' || caller.key !== key) {
      auth.authorize(caller, 'create_key');
      const record = auth.keys.get(key);
      if (record) assertWithin(auth, caller, record.permissions, 'this key has', 'only an admin or a key holding at least the same rights may read or delete it');
    }
    return key;
  };

  add('HEAD', '/keys/:key', async (ctx) => {
    const key = await ownOrCreateKey(ctx);
    if (!auth.keys.has(key)) throw noSuchKey();
    return empty(200);
  });

  add('GET', '/keys/:key', async (ctx) => {
    const key = await ownOrCreateKey(ctx);
    const record = auth.keys.get(key);
    if (!record) throw noSuchKey();
    if (!flag(ctx, 'include_keys')) return json(200, record);
    // Sub-keys the caller's rights do not cover are not shown to it.
    const caller = await auth.authenticateRequest(ctx.req);
    const subkeys = auth.keys.subkeys(key).filter((k) => !auth.required || missingRights(caller.permissions, k.permissions).length === 0);
    return json(200, { ...record, keys: subkeys });
  });

  add('DELETE', '/keys/:key', async (ctx) => {
    const key = await ownOrCreateKey(ctx);
    if (auth.deleteKey(key).length === 0) throw noSuchKey();
    return json(200, OK);
  });
}

function registerUsers(add: Add, deps: RouteDeps, auth: Authenticator): void {
  const limit = deps.limits.jsonBody;

  add('GET', '/users', async (ctx) => {
    auth.authorize(await auth.authenticateRequest(ctx.req), 'admin');
    const users = auth.users.list();
    return json(200, { users: flag(ctx, 'include_user') ? users : users.map((u) => u.username) });
  });

  add('POST', '/users', async (ctx) => {
    const caller = await auth.authenticateRequest(ctx.req);
    auth.authorize(caller, 'create_user');
    const body = await readObject(ctx, limit);
    const { username, password, user_type: type, key, ...extra } = body;
    if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
      throw new BadRequestError('bad_request', 'expected a JSON object with "username" and "password" (and optionally "user_type", "key")');
    }
    const userType = parseUserType(type);
    if (userType === 0) auth.authorize(caller, 'admin');
    assertKeyWithin(auth, caller, parseUserKey(key));
    await auth.users.create(username, { password, user_type: userType, key: parseUserKey(key), extra });
    return json(200, OK);
  });

  // The user bound to the caller's key may manage itself; other users need create_user and rights
  // covering the user's own (an administrator account, user_type 0, counts as admin).
  const userRights = (user: UserRecord | undefined): KeyPermissions =>
    user === undefined ? {} : user.user_type === 0 ? { admin: true } : (user.key === null ? undefined : auth.keys.get(user.key)?.permissions) ?? {};
  const isSelf = (caller: KeyInfo, username: string): boolean => isBoundTo(auth.users.get(username), caller);
  const mayManage = (caller: KeyInfo, username: string): boolean =>
    isSelf(caller, username) || (auth.can(caller, 'create_user') && (!auth.required || missingRights(caller.permissions, userRights(auth.users.get(username))).length === 0));
  const selfOrCreateUser = async (ctx: RequestContext): Promise<{ caller: KeyInfo; username: string }> => {
    const caller = await auth.authenticateRequest(ctx.req);
    const username = ctx.params.username!;
    if (!isSelf(caller, username)) {
      auth.authorize(caller, 'create_user');
      assertWithin(auth, caller, userRights(auth.users.get(username)), `user '${username}' has`,
        'only an admin or a key holding at least the same rights may read, change or delete this user');
    }
    return { caller, username };
  };

  add('HEAD', '/users/:username', async (ctx) => {
    const caller = await auth.authenticateRequest(ctx.req);
    const username = ctx.params.username!;
    // Not permitted is answered like absent, so names cannot be probed.
    if (!mayManage(caller, username) || !auth.users.has(username)) throw noSuchUser(username);
    return empty(200);
  });

  add('GET', '/users/:username', async (ctx) => {
    const { caller, username } = await selfOrCreateUser(ctx);
    const user = auth.users.get(username);
    if (!user) throw noSuchUser(username);
    // Only admins see the key of another user.
    if (!isSelf(caller, username) && !auth.can(caller, 'admin')) {
      const { key: _hidden, ...shown } = user;
      return json(200, shown);
    }
    return json(200, user);
  });

  add('PUT', '/users/:username', async (ctx) => {
    const { caller, username } = await selfOrCreateUser(ctx);
    const body = await readObject(ctx, limit);
    const { username: _ignored, password, user_type: type, key, ...extra } = body;
    if (typeof password !== 'string' || password === '') throw new BadRequestError('bad_request', 'expected a JSON object with "password" (and optionally "user_type", "key")');
    const userType = parseUserType(type);
    if (userType === 0) auth.authorize(caller, 'admin');
    if (key !== undefined) assertKeyWithin(auth, caller, parseUserKey(key));
    await auth.users.replace(username, { password, user_type: userType, key: key === undefined ? undefined : parseUserKey(key), extra });
    return json(200, OK);
  });

  add('DELETE', '/users/:username', async (ctx) => {
    const { username } = await selfOrCreateUser(ctx);
    auth.users.delete(username);
    return json(200, OK);
  });

  add('PUT', '/users/:username/password', async (ctx) => {
    const { username } = await selfOrCreateUser(ctx);
    const body = await readObject(ctx, limit);
    if (typeof body.password !== 'string' || body.password === '') throw new BadRequestError('bad_request', 'expected a JSON object {"password": "<new password>"}');
    await auth.users.setPassword(username, body.password);
    return json(200, OK);
  });

  add('PUT', '/users/:username/key', async (ctx) => {
    const { caller, username } = await selfOrCreateUser(ctx);
    const body = await readObject(ctx, limit);
    if (body.key === undefined || body.key === null) throw new BadRequestError('bad_request', 'expected a JSON object {"key": "<api key>"}');
    assertKeyWithin(auth, caller, parseUserKey(body.key));
    auth.users.setKey(username, parseUserKey(body.key));
    return json(200, OK);
  });
}

// Errors are answered here, with `/keys/<key>` logged as `/keys/…`: the key is a secret.
function guarded(deps: RouteDeps, pattern: string, handler: RouteHandler): RouteHandler {
  const logged = pattern.replace(':key', '…').replace(':username', '<user>');
  return async (ctx) => {
    try {
      return await handler(ctx);
    } catch (err) {
      sendError(ctx.res, err, deps.logger, `${ctx.req.method} ${logged}`);
      return undefined;
    }
  };
}

// 403 `permission_escalation` when `wanted` holds rights the (non-admin) caller lacks.
function assertWithin(auth: Authenticator, caller: KeyInfo, wanted: KeyPermissions, subject: string, rule: string): void {
  if (!auth.required) return;
  const missing = missingRights(caller.permissions, wanted);
  if (missing.length === 0) return;
  throw new ForbiddenError('permission_escalation', `${subject} rights your API key lacks (${missing.join(', ')}): ${rule}`);
}

// Binding a user to a key hands that key's rights to whoever logs in as the user.
function assertKeyWithin(auth: Authenticator, caller: KeyInfo, key: string | null): void {
  const record = key === null ? undefined : auth.keys.get(key);
  if (record) assertWithin(auth, caller, record.permissions, 'that key has', 'a user can only be bound to a key within your rights');
}

function isBoundTo(user: UserRecord | undefined, caller: KeyInfo): boolean {
  return user !== undefined && user.key !== null && caller.key !== '' && user.key === caller.key;
}

async function readObject(ctx: RequestContext, limit: number): Promise<Record<string, unknown>> {
  const body = await readJson(ctx.req, { reason: 'bad_request', limit });
  if (!isPlainObject(body)) throw new BadRequestError('bad_request', 'expected a JSON object');
  return body;
}

function parseUserType(value: unknown): UserType {
  if (value === undefined || value === null) return 1;
  if (value === 0 || value === 1 || value === '0' || value === '1') return Number(value) as UserType;
  throw new BadRequestError('bad_request', `invalid "user_type" ${JSON.stringify(value)}: expected 0 (user/administrator) or 1 (application)`);
}

function parseUserKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw new BadRequestError('bad_request', 'invalid "key": expected an API key (text) or null');
  return value;
}

function flag(ctx: RequestContext, name: string): boolean {
  return (ctx.query.get(name) ?? 'false').toLowerCase() === 'true';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function schemeOf(req: IncomingMessage): string {
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

function noSuchKey(): NotFoundError {
  return new NotFoundError('not_found', 'no such API key');
}

function noSuchUser(username: string): NotFoundError {
  return new NotFoundError('not_found', `user '${username}' not found`);
}
