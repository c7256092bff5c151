// Reads the main gafferd configuration file and the files it includes
// (`[gaffer] include` / `include_dir`), returning all their sections merged
// in reading order so that a later definition of a key wins.
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { mergeSections, osReason, readIniFile, type IniSection } from './ini-document.js';

export interface ConfigTree {
  /** Files actually read, in reading order (main file first). */
  files: string[];
  sections: IniSection[];
  /** Skipped includes and similar non-fatal findings, one line each. */
  warnings: string[];
}

/**
 * Read `mainFile` (errors are fatal) and then, depth first, each file it
 * includes: the `include` files in the order listed, then the `*.ini` files
 * found recursively under each `include_dir`, sorted by path. Included files
 * may include further files; each file is read once. Unreadable included
 * files and directories are skipped with a warning. Relative include paths
 * are relative to the directory of the file that names them.
 */
export async function readConfigTree(mainFile: string): Promise<ConfigTree> {
  const files: string[] = [];
  const all: IniSection[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();

  const visit = async (file: string, sections: IniSection[]): Promise<void> => {
    seen.add(resolve(file));
    files.push(file);
    all.push(...sections);
    for (const included of await includedFiles(file, sections, warnings)) {
      if (seen.has(included)) continue;
      let parsed: IniSection[];
      try {
        parsed = await readIniFile(included);
      } catch (err) {
        if (!isReadError(err)) throw err;
        seen.add(included);
        warnings.push(`${file}: skipping unreadable included file '${included}': ${osReason((err as Error).cause)}`);
        continue;
      }
      await visit(included, parsed);
    }
  };
  await visit(mainFile, await readIniFile(mainFile));
  return { files, sections: mergeSections(all), warnings };
}

// The include list of one file, from its own [gaffer] section (last definition wins).
async function includedFiles(file: string, sections: IniSection[], warnings: string[]): Promise<string[]> {
  const base = dirname(resolve(file));
  let include = '';
  let includeDir = '';
  for (const section of sections) {
    if (section.name !== 'gaffer') continue;
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (key === 'include') include = entry.value;
      else if (key === 'include_dir') includeDir = entry.value;
    }
  }
  const out = words(include).map((p) => resolve(base, p));
  for (const dir of words(includeDir).map((p) => resolve(base, p))) {
    try {
      out.push(...(await findIniFiles(dir)).sort());
    } catch (err) {
      warnings.push(`${file}: skipping unreadable include_dir '${dir}': ${osReason(err)}`);
    }
  }
  return out;
}

// Every regular `*.ini` file below `dir`, recursively (symlinks followed, each directory once).
async function findIniFiles(dir: string, visited = new Set<string>()): Promise<string[]> {
  const found: string[] = [];
  const real = await realpath(dir);
  if (visited.has(real)) return found;
  visited.add(real);
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    let info;
    try {
      info = await stat(path);
    } catch {
      continue;
    }
    if (info.isDirectory()) found.push(...(await findIniFiles(path, visited)));
    else if (info.isFile() && entry.endsWith('.ini')) found.push(path);
  }
  return found;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

// readIniFile wraps fs errors as ConfigError with the fs error as cause.
function isReadError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string';
}
