import { BadRequestError, fieldError } from '../errors.js';

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

/**
 * The characters of a short job name: those of a foreman Procfile type
 * (letters, digits, `_`, `-`). A name may not be only digits (an internal
 * pid) and is at most 200 characters.
 */
export const JOB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** The rule of JOB_NAME_PATTERN as a sentence (error messages, docs). */
export const JOB_NAME_RULE = "1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits";

/** Throw (field `name`) unless `name` is a valid short job name (JOB_NAME_PATTERN, not all digits). */
export function validateJobName(name: unknown, reason = 'invalid_process_info'): string {
  if (typeof name !== 'string' || !JOB_NAME_PATTERN.test(name) || /^\d+$/.test(name)) {
    throw fieldError(reason, 'name', JOB_NAME_RULE, name);
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
