import { BadRequestError } from '../errors.js';

export const DEFAULT_SESSION = 'default';

export interface JobDesignation {
  sessionid: string;
  name: string;
}

/**
 * Split a job designation into session and short name: `a.b`, `a/b`, `a:b`
 * (first separator found, in that order of preference) or a bare name in the
 * default session.
 */
export function parseJobName(text: string, defaultSession = DEFAULT_SESSION): JobDesignation {
  for (const sep of ['.', '/', ':']) {
    const at = text.indexOf(sep);
    if (at >= 0) return { sessionid: text.slice(0, at), name: text.slice(at + 1) };
  }
  return { sessionid: defaultSession, name: text };
}

/** `session.name` */
export function fullName(sessionid: string, name: string): string {
  return `${sessionid}.${name}`;
}

/** The 0.4 name: the short name in the default session, else the full name. */
export function legacyName(sessionid: string, name: string): string {
  return sessionid === DEFAULT_SESSION ? name : fullName(sessionid, name);
}

/** The full name behind a 0.4 name: a bare name is in the default session (job names have no `.`). */
export function fullNameOfLegacy(legacy: string): string {
  return legacy.includes('.') ? legacy : fullName(DEFAULT_SESSION, legacy);
}

/** Throw unless `name` is a valid short job name (no `.`, `/`, `:`, not all digits). */
export function validateJobName(name: unknown, reason = 'invalid_process_info'): string {
  if (typeof name !== 'string' || name.length === 0 || /[./:]/.test(name) || /^\d+$/.test(name)) {
    throw new BadRequestError(reason,
      `invalid job name ${JSON.stringify(name)}: expected a non-empty name without '.', '/' or ':' that is not only digits`);
  }
  return name;
}

/** Throw unless `sessionid` is a valid session id (no `.`, `/`, `:`). */
export function validateSessionId(sessionid: unknown, reason = 'invalid_process_info'): string {
  if (typeof sessionid !== 'string' || sessionid.length === 0 || /[./:]/.test(sessionid)) {
    throw new BadRequestError(reason,
      `invalid session id ${JSON.stringify(sessionid)}: expected a non-empty id without '.', '/' or ':'`);
  }
  return sessionid;
}
