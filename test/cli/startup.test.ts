// The CLIs start fast: what they load before running a command (their
// static import graph) holds no core/, server, websocket or config-file code;
// those are imported by the commands that need them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/paths.js';

/** Files and packages reached from `entry` through static (non-type) imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (existsSync(target)) visit(target);
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

for (const program of ['gaffer', 'gafferctl']) {
  test(`${program} loads no core/, server, websocket, chalk or INI code at start-up`, () => {
    const { files, packages } = staticGraph(join(ROOT, 'src', 'cli', program, 'main.ts'));
    const heavy = [...files].map((f) => relative(join(ROOT, 'src'), f)).filter((f) => /^(core|http|httpkit|apps|daemon|lookupd|config)\//.test(f));
    assert.deepEqual(heavy, []);
    assert.deepEqual([...packages].sort(), ['commander']);
  });
}
