import { readFileSync } from 'node:fs';
import { BadRequestError } from '../errors.js';

/** Resolve a user name or numeric id to a uid (names from /etc/passwd). */
export function resolveUid(value: string | number): number {
  return resolveId(value, '/etc/passwd', 'user', 2);
}

/** Resolve a group name or numeric id to a gid (names from /etc/group). */
export function resolveGid(value: string | number): number {
  return resolveId(value, '/etc/group', 'group', 2);
}

/** The user name owning a uid, or the uid as text when unknown. */
export function userName(uid: number): string {
  for (const fields of readDatabase('/etc/passwd')) {
    if (Number(fields[2]) === uid && fields[0]) return fields[0];
  }
  return String(uid);
}

function resolveId(value: string | number, file: string, kind: string, column: number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
  } else {
    const text = value.trim();
    if (/^\d+$/.test(text)) return Number(text);
    for (const fields of readDatabase(file)) {
      if (fields[0] === text && fields[column] !== undefined) return Number(fields[column]);
    }
  }
  throw new BadRequestError('invalid_process_info',
    `unknown ${kind} ${JSON.stringify(value)}: expected a ${kind} name from ${file} or a numeric id`);
}

function readDatabase(file: string): string[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(':'));
}
