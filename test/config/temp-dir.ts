// A temporary directory per test file, removed in after(); files are written with their parent directories.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export interface TempDir {
  path: string;
  /** Write `text` at `relative` (parents created); returns the absolute path. */
  write(relative: string, text: string): Promise<string>;
  /** An absolute path inside the directory. */
  join(...parts: string[]): string;
}

/** Create a temp dir under os.tmpdir() that is removed when the test file ends. */
export async function useTempDir(prefix = 'gaffer-config-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(path, { recursive: true, force: true }));
  return {
    path,
    async write(relative: string, text: string): Promise<string> {
      const file = join(path, relative);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    join: (...parts: string[]) => join(path, ...parts),
  };
}
