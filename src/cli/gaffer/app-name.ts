// Application names (cli.md → Application name): explicit names are checked
// against `^[a-z][a-z0-9_+-]*$`; `.` and names derived from a folder are not.
import { basename, resolve } from 'node:path';
import { BadRequestError } from '../../errors.js';

const APP_NAME = /^[a-z][a-z0-9_+-]*$/;

/** The application name of a folder: its base name with `.`, `/`, `:` and whitespace replaced by `_`. */
export function folderAppName(root: string, cwd: string): string {
  const name = basename(resolve(cwd, root)).replace(/[./:\s]/g, '_');
  return name === '' ? 'default' : name;
}

/** An explicitly given name: `.` = the current folder's name; anything else must match the pattern. */
export function explicitAppName(name: string, cwd: string): string {
  if (name === '.') return folderAppName('.', cwd);
  if (!APP_NAME.test(name)) throw new BadRequestError('bad_value', `Invalid APP name: '${name}'`);
  return name;
}

/** True when `text` looks like a gafferd address rather than a name (`http://`, `https://`, `unix:`). */
export function isAddress(text: string): boolean {
  return /^(https?:\/\/|(https\+)?unix:)/.test(text);
}
