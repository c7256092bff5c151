// Permission evaluation of auth.md → Permissions, exactly as its rules read:
// manage ⊃ write ⊃ read; a session in a list covers its jobs; `*` covers
// everything; admin has every right.
import { BadRequestError } from '../errors.js';
import type { AccessRight, KeyPermissions } from '../protocol/auth.js';

type TargetList = 'manage' | 'write' | 'read';

const FLAGS = ['admin', 'create_key', 'create_user'] as const;
const LISTS = ['manage', 'write', 'read'] as const;
/** Bounds that keep a permissions object a small document. */
const MAX_TARGETS = 1000;
const MAX_TARGET_LENGTH = 512;

/** Whether `permissions` grant `right` (on `target` for the per-target rights). */
export function can(permissions: KeyPermissions, right: AccessRight, target?: string): boolean {
  switch (right) {
    case 'admin': return isAdmin(permissions);
    case 'create_key': return isAdmin(permissions) || permissions.create_key === true;
    case 'create_user': return isAdmin(permissions) || permissions.create_user === true;
    case 'manage-all': return isAdmin(permissions) || has(permissions.manage, '*');
    case 'write-all': return has(permissions.write, '*') || can(permissions, 'manage-all');
    case 'read-all': return has(permissions.read, '*') || can(permissions, 'write-all');
    case 'manage': return canOn(permissions, 'manage', target);
    case 'write': return canOn(permissions, 'manage', target) || canOn(permissions, 'write', target);
    case 'read': return can(permissions, 'write', target) || canOn(permissions, 'read', target);
  }
}

function isAdmin(permissions: KeyPermissions): boolean {
  return permissions.admin === true;
}

// `can(perm, what)` of auth.md: admin, `*`, the target itself, or the session of a full name.
function canOn(permissions: KeyPermissions, list: TargetList, what: string | undefined): boolean {
  if (isAdmin(permissions)) return true;
  const targets = permissions[list];
  if (has(targets, '*')) return true;
  if (what === undefined || what === '') return false;
  if (has(targets, what)) return true;
  const dot = what.indexOf('.');
  return dot > 0 && has(targets, what.slice(0, dot));
}

function has(list: readonly string[] | undefined, item: string): boolean {
  return list !== undefined && list.includes(item);
}

/**
 * Validate a permissions object from a request: booleans for the flags,
 * lists of non-empty strings for the targets; `null`/absent members are
 * dropped. Anything else is a 400 naming the member and the expected form.
 */
export function normalizePermissions(value: unknown): KeyPermissions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('bad_request', 'invalid "permissions": expected an object such as {"manage": ["myapp"], "read": ["*"]}');
  }
  const input = value as Record<string, unknown>;
  const known: readonly string[] = [...FLAGS, ...LISTS];
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new BadRequestError('bad_request', `unknown permission ${unknown.map((k) => JSON.stringify(k)).join(', ')}: expected ${known.join(', ')}`);
  }
  const out: KeyPermissions = {};
  for (const flag of FLAGS) {
    const v = input[flag];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw new BadRequestError('bad_request', `invalid permission "${flag}" ${JSON.stringify(v)}: expected true or false`);
    out[flag] = v;
  }
  for (const list of LISTS) {
    const v = input[list];
    if (v === undefined || v === null) continue;
    out[list] = normalizeTargets(list, v);
  }
  return out;
}

function normalizeTargets(list: TargetList, value: unknown): string[] {
  const expected = `expected a list of session ids, job full names (session.name) or "*"`;
  if (!Array.isArray(value)) throw new BadRequestError('bad_request', `invalid permission "${list}" ${JSON.stringify(value)}: ${expected}`);
  if (value.length > MAX_TARGETS) throw new BadRequestError('bad_request', `permission "${list}" lists ${value.length} targets: at most ${MAX_TARGETS} are accepted`);
  const targets: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '' || item.length > MAX_TARGET_LENGTH) {
      throw new BadRequestError('bad_request', `invalid target ${JSON.stringify(item)} in permission "${list}": ${expected}`);
    }
    if (!targets.includes(item.trim())) targets.push(item.trim());
  }
  return targets;
}

/**
 * The rights of `wanted` that `holder` does not have, in words (`admin`,
 * `create_key`, `manage on 'app'`, `read on '*'`); empty when `holder`
 * covers every one of them. Used so that nobody hands out, reads or changes
 * credentials more powerful than their own.
 */
export function missingRights(holder: KeyPermissions, wanted: KeyPermissions): string[] {
  if (isAdmin(holder)) return [];
  const missing: string[] = [];
  if (isAdmin(wanted)) missing.push('admin');
  for (const flag of ['create_key', 'create_user'] as const) {
    if (wanted[flag] === true && !can(holder, flag)) missing.push(flag);
  }
  for (const list of LISTS) {
    for (const target of wanted[list] ?? []) {
      const ok = target === '*' ? can(holder, `${list}-all`) : can(holder, list, target);
      if (!ok) missing.push(`${list} on '${target}'`);
    }
  }
  return missing;
}
