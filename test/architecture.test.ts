// Enforces the layering of docs/architecture.md: imports point down, siblings
// don't import each other, the core stays free of servers and CLI libraries.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/paths.js';

const SRC = join(ROOT, 'src');

const LAYER: Record<string, number> = {
  // src/errors.ts and src/error-codes.ts: the error vocabulary and its registry.
  errors: 0,
  util: 1, protocol: 1,
  core: 2,
  config: 3, httpkit: 3, client: 3, auth: 3, legacy: 3,
  http: 4, apps: 4, lookupd: 4,
  daemon: 5,
  cli: 6,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

function area(file: string): string {
  const rel = relative(SRC, file);
  if (rel.includes('/')) return rel.split('/')[0]!;
  return rel === 'index.ts' ? rel : 'errors';
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

const all = files(SRC);

test('every source area has a layer', () => {
  for (const file of all) {
    const a = area(file);
    if (a === 'index.ts') continue;
    assert.ok(a in LAYER, `${relative(ROOT, file)} is in an area without a layer (${a}); add it to docs/architecture.md and this test`);
  }
});

test('imports point down and siblings do not import each other', () => {
  const problems: string[] = [];
  for (const file of all) {
    const from = area(file);
    if (from === 'index.ts') continue;
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      const to = area(target);
      if (to === from) continue;
      if (to === 'index.ts') { problems.push(`${relative(ROOT, file)} imports the public barrel`); continue; }
      const lf = LAYER[from]!;
      const lt = LAYER[to]!;
      if (lt > lf) problems.push(`${relative(ROOT, file)} (layer ${lf}) imports ${to} (layer ${lt})`);
      else if (lt === lf) problems.push(`${relative(ROOT, file)} imports its sibling ${to}`);
      if (['client', 'httpkit', 'auth', 'lookupd'].includes(from) && to === 'core') problems.push(`${relative(ROOT, file)}: ${from}/ never imports core/`);
    }
  }
  assert.deepEqual(problems, []);
});

test('core/ imports no server, CLI or config-file library', () => {
  // node:net stays allowed for client connections (readiness/health probes); no server lives here.
  const banned = ['node:http', 'node:https', 'ws', 'sockjs', 'chalk', 'commander', 'ini'];
  const problems: string[] = [];
  for (const file of all.filter((f) => ['core', 'util', 'protocol', 'errors'].includes(area(f)))) {
    for (const spec of imports(file)) if (banned.includes(spec)) problems.push(`${relative(ROOT, file)} imports ${spec}`);
    if (/\bcreateServer\s*\(/.test(readFileSync(file, 'utf8'))) problems.push(`${relative(ROOT, file)} creates a server`);
  }
  assert.deepEqual(problems, []);
});

test('chalk only in cli/ and the console output application; process.exit only in cli/*/main.ts', () => {
  const problems: string[] = [];
  for (const file of all) {
    const rel = relative(SRC, file);
    if (imports(file).includes('chalk') && !rel.startsWith('cli/') && !rel.startsWith('apps/console')) problems.push(`${rel} imports chalk`);
    if (/\bprocess\.exit\(/.test(readFileSync(file, 'utf8')) && !/^cli\/[^/]+\/main\.ts$/.test(rel)) problems.push(`${rel} calls process.exit`);
  }
  assert.deepEqual(problems, []);
});

test('inside cli/, no program imports another and shared/ imports no program', () => {
  const problems: string[] = [];
  const CLI = join(SRC, 'cli');
  const program = (path: string): string => relative(CLI, path).split('/')[0]!;
  for (const file of all.filter((f) => area(f) === 'cli')) {
    const from = program(file);
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (area(target) !== 'cli') continue;
      const to = program(target);
      if (to !== from && to !== 'shared') problems.push(`${relative(ROOT, file)} imports the program ${to}/ (move what both use to cli/shared/)`);
    }
  }
  assert.deepEqual(problems, []);
});

test('src/index.ts and src/client/index.ts (the ./client entry) only re-export', () => {
  for (const entry of ['index.ts', join('client', 'index.ts')]) {
    // Re-exports may span lines: join them, then every statement must be an export ... from.
    const text = readFileSync(join(SRC, entry), 'utf8').split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
    for (const statement of text.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
      assert.match(statement, /^export (type )?(\*|\{[^}]*\}) from '[^']+'$/s, `${entry}: not a re-export: ${statement}`);
    }
  }
});
