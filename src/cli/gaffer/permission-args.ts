// The permission words of `gaffer key:create` and the permission lines of
// `key` / `key:create` (cli.md): `+a` admin, `+u` create_user, `+k`
// create_key, `+m` manage everything, `<target>+<r|w|m...>` read, write or
// manage a session (`myapp`), a job (`myapp.web`) or everything (`*`).
import { BadRequestError } from '../../errors.js';
import type { KeyPermissions } from '../../protocol/auth.js';

/** Every member set, as `key:create` sends it (admin implies create_user and create_key). */
export type FullPermissions = Required<KeyPermissions>;

const RIGHTS: Readonly<Record<string, 'read' | 'write' | 'manage'>> = { r: 'read', w: 'write', m: 'manage' };
const EXPECTED = "expected +a, +u, +k, +m or <target>+<letters of r, w, m> such as 'myapp+rw', 'myapp.web+r', '*+r'";

/** Build a key's permissions from the words of `key:create`; a word that means nothing is a `bad_value`. */
export function parsePermissionArgs(words: readonly string[]): FullPermissions {
  const p: FullPermissions = { admin: false, create_user: false, create_key: false, manage: [], read: [], write: [] };
  const add = (list: string[], target: string): void => { if (!list.includes(target)) list.push(target); };
  for (const word of words) {
    if (word === '+a') p.admin = true;
    else if (word === '+u') p.create_user = true;
    else if (word === '+k') p.create_key = true;
    else if (word === '+m') add(p.manage, '*');
    else {
      // Session names may contain '+': the rights follow the last one.
      const at = word.lastIndexOf('+');
      const target = word.slice(0, at).trim();
      const letters = word.slice(at + 1);
      if (at <= 0 || target === '' || letters === '' || [...letters].some((c) => !(c in RIGHTS))) {
        throw new BadRequestError('bad_value', `invalid permission '${word}': ${EXPECTED}`);
      }
      for (const letter of letters) add(p[RIGHTS[letter]!], target);
    }
  }
  if (p.admin) {
    p.create_user = true;
    p.create_key = true;
  }
  return p;
}

const pyBool = (value: boolean | undefined): string => (value === true ? 'True' : 'False');

/** The indented permission lines (an admin key shows every right). */
export function permissionLines(p: KeyPermissions): string[] {
  if (p.admin === true) {
    return ['  admin: True', '  create_user: True', '  create_key: True', '  manage: *', '  read: *', '  write: *'];
  }
  return [
    '  admin: False',
    `  create_key: ${pyBool(p.create_key)}`,
    `  create_user: ${pyBool(p.create_user)}`,
    `  manage: ${(p.manage ?? []).join(',')}`,
    `  read: ${(p.read ?? []).join(',')}`,
    `  write: ${(p.write ?? []).join(',')}`,
  ];
}
