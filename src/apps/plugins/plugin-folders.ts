// The plugin directory on disk (plugins-webhooks.md → Folder layout): one
// folder per plugin, each with optional code packages and an optional site.
// Only the file system is read here; nothing is imported.
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** A directory holding plugin code: its module files, entry first. */
export interface CodePackage {
  dir: string;
  /** Module files; the entry first when `hasEntry`. */
  modules: string[];
  hasEntry: boolean;
}

export interface PluginFolder {
  /** Folder name = site name in `/_plugin/<name>/`. */
  name: string;
  path: string;
  packages: CodePackage[];
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);
/** Subdirectories that are never code packages. */
const SKIPPED = (name: string): boolean => name === '_site' || name === 'node_modules' || name.startsWith('.');

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** The plugin folders of `dir` (every subdirectory not starting with `.`), sorted by name. */
export async function listPluginFolders(dir: string): Promise<PluginFolder[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders: PluginFolder[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (!(await isDirectory(path))) continue;
    folders.push({ name: entry.name, path, packages: await findCodePackages(path) });
  }
  return folders;
}

/**
 * Code packages of a plugin folder: each subdirectory that has a
 * `package.json` or an `index.js`/`index.mjs`, and the folder itself when it
 * has one of those but no `index.html` (then it is a site served in place,
 * whose scripts must not be run by gafferd).
 */
export async function findCodePackages(folder: string): Promise<CodePackage[]> {
  const candidates = await isFile(join(folder, 'index.html')) ? [] : [folder];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!SKIPPED(entry.name) && (entry.isDirectory() || (entry.isSymbolicLink() && await isDirectory(join(folder, entry.name))))) {
      candidates.push(join(folder, entry.name));
    }
  }
  const packages: CodePackage[] = [];
  for (const dir of candidates) {
    const entry = await packageEntry(dir);
    if (entry === undefined) continue;
    const others = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && MODULE_EXTENSIONS.has(extname(e.name)))
      .map((e) => join(dir, e.name))
      .filter((p) => p !== entry)
      .sort();
    packages.push({ dir, modules: entry === null ? others : [entry, ...others], hasEntry: entry !== null });
  }
  return packages;
}

// The entry module of a package directory: package.json `main`, else index.js/index.mjs.
// undefined = not a package; null = a package (package.json) without an entry file.
async function packageEntry(dir: string): Promise<string | null | undefined> {
  let main: unknown;
  let hasManifest = false;
  try {
    main = (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { main?: unknown }).main;
    hasManifest = true;
  } catch { /* no (readable) package.json */ }
  if (typeof main === 'string' && main !== '') {
    const path = resolve(dir, main);
    for (const candidate of [path, `${path}.js`, join(path, 'index.js')]) if (await isFile(candidate)) return candidate;
  }
  for (const name of ['index.js', 'index.mjs']) if (await isFile(join(dir, name))) return join(dir, name);
  return hasManifest ? null : undefined;
}

/**
 * The static site of a plugin folder: `<folder>/_site`, or the folder
 * itself when it has no code and an `index.html` (a site-only plugin).
 */
export async function findSiteDir(folder: string): Promise<string | undefined> {
  const site = join(folder, '_site');
  if (await isDirectory(site)) return site;
  if (await isFile(join(folder, 'index.html')) && (await findCodePackages(folder)).length === 0) return folder;
  return undefined;
}
