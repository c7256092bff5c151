// Plugins: discovery (packages, plugin and application classes, CommonJS),
// mandatory plugins and startup errors, the application lifecycle, reload.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { PluginHost } from '../../src/apps/plugins/plugin-host.js';
import { ConfigError } from '../../src/errors.js';
import { recordingLogger, startManager } from '../helpers/manager.js';
import { ROOT } from '../helpers/paths.js';

const base = mkdtempSync(join(tmpdir(), 'gaffer-plugins-'));
after(() => rmSync(base, { recursive: true, force: true }));
// Plugin modules under the temp dir are ES modules, like the example's package.json declares.
writeFileSync(join(base, 'package.json'), '{"type": "module"}');

declare global {
  // eslint-disable-next-line no-var
  var gafferPluginCalls: string[] | undefined;
}
const calls = (): string[] => (globalThis.gafferPluginCalls ??= []);

let dirs = 0;
/** A fresh plugin directory with the given files (path -> content). */
function pluginDir(files: Record<string, string>): string {
  const dir = join(base, `plugins-${++dirs}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Source of a plugin class recording its application's lifecycle in globalThis.gafferPluginCalls. */
function pluginSource(name: string, options: { mandatory?: string[]; failStart?: boolean; className?: string } = {}): string {
  return `
    const log = (m) => (globalThis.gafferPluginCalls ??= []).push(m);
    class App {
      start(manager) { log('start ${name} ' + (manager ? 'with manager' : '')); ${options.failStart ? "throw new Error('boom');" : ''} }
      stop() { log('stop ${name}'); }
      restart() { log('restart ${name}'); }
    }
    export class ${options.className ?? 'ThePlugin'} {
      name = '${name}';
      version = '2.0';
      description = 'plugin ${name}';
      mandatory = ${JSON.stringify(options.mandatory ?? [])};
      app(cfg) { log('app ${name} ' + JSON.stringify(cfg)); return new App(); }
    }`;
}

test('the example plugin: a Plugin class in plugin/ returning the dummy application', async () => {
  const manager = await startManager();
  const host = new PluginHost({ dir: join(ROOT, 'examples', 'plugins'), config: { configFile: 'gaffer.ini' }, builtinSites: false });
  await host.load();
  assert.deepEqual(host.plugins, [{ folder: 'dummy', name: 'dummy', version: '1.0', description: 'test', mandatory: [], hasApp: true }]);
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try {
    await host.start(manager);
    await host.restart();
    await host.stop();
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, ['start dummy app', 'restart dummy', 'stop dummy']);
});

test('packages: index.js, package.json main, every module of the package; application classes; CommonJS', async () => {
  calls().length = 0;
  const dir = pluginDir({
    'alpha/plugin/index.js': pluginSource('alpha'),
    'beta/code/package.json': '{"type": "module", "main": "main.js"}',
    'beta/code/main.js': 'export const notAPlugin = 1;',
    'beta/code/more.js': pluginSource('beta'),
    'gamma/index.js': `export class GammaApp { static pluginName = 'gamma-app'; static version = '3'; constructor(cfg) { (globalThis.gafferPluginCalls ??= []).push('new gamma ' + cfg.marker); } start() {} stop() {} restart() {} }`,
    'delta/lib/package.json': '{"main": "index.cjs"}',
    'delta/lib/index.cjs': `class DeltaPlugin { constructor() { this.name = 'delta'; } app() { return undefined; } }\nmodule.exports = { DeltaPlugin };`,
    'epsilon/_site/index.html': '<p>site only</p>',
  });
  const host = new PluginHost({ dir, config: { marker: 'M' }, builtinSites: false });
  await host.load();
  assert.deepEqual(host.plugins.map((p) => [p.folder, p.name, p.version, p.hasApp]), [
    ['alpha', 'alpha', '2.0', true],
    ['beta', 'beta', '2.0', true],
    ['delta', 'delta', '?', false],
    ['gamma', 'gamma-app', '3', true],
  ]);
  assert.deepEqual(calls(), ['app alpha {"marker":"M"}', 'app beta {"marker":"M"}', 'new gamma M'], 'each plugin gets the configuration');
});

test('startup errors: a plugin without a name, a missing mandatory plugin (also when it failed to load)', async () => {
  const unnamed = pluginDir({ 'broken/plugin/index.js': 'export class P { name = ""; app() {} }' });
  await assert.rejects(new PluginHost({ dir: unnamed, builtinSites: false }).load(),
    (err: unknown) => err instanceof ConfigError && err.message === `invalid plugin: broken [${join(unnamed, 'broken', 'plugin', 'index.js')}]`);

  const missing = pluginDir({ 'web/plugin/index.js': pluginSource('web', { mandatory: ['auth', 'db'] }), 'db/plugin/index.js': pluginSource('db') });
  await assert.rejects(new PluginHost({ dir: missing, builtinSites: false }).load(), { name: 'ConfigError', message: 'web requires auth to be used' });

  const failing = pluginDir({
    'web/plugin/index.js': pluginSource('web', { mandatory: ['auth'] }),
    'auth/plugin/index.js': 'throw new Error("syntax of doom");',
  });
  const logger = recordingLogger();
  await assert.rejects(new PluginHost({ dir: failing, logger, builtinSites: false }).load(),
    { message: /^web requires auth to be used \(plugins that failed to load: plugin folder 'auth': .*index\.js cannot be imported: syntax of doom\)$/ });

  const satisfied = pluginDir({
    'web/plugin/index.js': pluginSource('web', { mandatory: ['auth-plugin', 'static-docs', 'dashboard'] }),
    'auth/plugin/index.js': pluginSource('auth-plugin'),
    'static-docs/_site/index.html': 'docs',
  });
  const host = new PluginHost({ dir: satisfied });
  await host.load();
  assert.equal(host.plugins.length, 2, 'mandatory names may be plugin names, site folders or built-in sites');
});

test('an optional plugin that fails to load or start is logged and skipped; a required one fails the start', async () => {
  calls().length = 0;
  const logger = recordingLogger();
  const manager = await startManager();
  const dir = pluginDir({
    'bad/plugin/index.js': 'export class P { name = "bad"; app() { throw new Error("no config for me"); } }',
    'ugly/plugin/index.js': 'import "./missing-module.js";',
    'flaky/plugin/index.js': pluginSource('flaky', { failStart: true }),
    'good/plugin/index.js': pluginSource('good'),
  });
  const host = new PluginHost({ dir, logger, builtinSites: false });
  await host.start(manager);
  assert.deepEqual(host.plugins.map((p) => p.name), ['flaky', 'good']);
  const log = logger.lines.join('\n');
  assert.match(log, /error plugin 'bad': .*index\.js failed: no config for me; plugin skipped/);
  assert.match(log, /error plugin 'ugly': .*index\.js cannot be imported: .*missing-module\.js.*; plugin skipped/);
  assert.match(log, /error plugin 'flaky' \(flaky\) failed to start: boom/);
  assert.ok(calls().includes('start good with manager'));
  await host.stop();
  assert.deepEqual(calls().filter((c) => c.startsWith('stop')), ['stop good'], 'only started applications are stopped');

  calls().length = 0;
  const required = pluginDir({
    'aaa/plugin/index.js': pluginSource('first'),
    'flaky/plugin/index.js': pluginSource('flaky', { failStart: true }),
    'web/plugin/index.js': pluginSource('web', { mandatory: ['flaky'] }),
  });
  const strict = new PluginHost({ dir: required, logger, builtinSites: false });
  await assert.rejects(strict.start(manager), { name: 'ConfigError', message: "plugin 'flaky' (flaky) is required by another plugin but failed to start: boom" });
  assert.deepEqual(calls().filter((c) => /^(start|stop)/.test(c)), ['start first with manager', 'start flaky with manager', 'stop first'],
    'what was started is stopped again');
});

test('a missing plugin directory means no plugins (logged)', async () => {
  const logger = recordingLogger();
  const host = new PluginHost({ dir: join(base, 'does-not-exist'), logger, builtinSites: false });
  await host.start(await startManager());
  assert.deepEqual(host.plugins, []);
  assert.match(logger.lines.join('\n'), /plugin directory .*does-not-exist does not exist; no plugins loaded/);
});

test('reload: removed plugins stop, kept ones restart, new ones start; bad states keep the previous plugins', async () => {
  calls().length = 0;
  const logger = recordingLogger();
  const manager = await startManager();
  const dir = pluginDir({ 'one/plugin/index.js': pluginSource('one'), 'two/plugin/index.js': pluginSource('two') });
  const host = new PluginHost({ dir, logger, builtinSites: false });
  await host.start(manager);
  rmSync(join(dir, 'one'), { recursive: true });
  mkdirSync(join(dir, 'three', 'plugin'), { recursive: true });
  writeFileSync(join(dir, 'three', 'plugin', 'index.js'), pluginSource('three'));
  calls().length = 0;
  await host.reload({ dir });
  assert.deepEqual(calls().filter((c) => !c.startsWith('app')), ['stop one', 'restart two', 'start three with manager']);
  assert.deepEqual(host.plugins.map((p) => p.name), ['three', 'two']);

  // A missing mandatory plugin: logged, nothing changes.
  mkdirSync(join(dir, 'four', 'plugin'), { recursive: true });
  writeFileSync(join(dir, 'four', 'plugin', 'index.js'), pluginSource('four', { mandatory: ['nope'] }));
  calls().length = 0;
  await host.reload({ dir });
  assert.match(logger.lines.join('\n'), /error plugins not reloaded: four requires nope to be used/);
  assert.deepEqual(calls().filter((c) => !c.startsWith('app')), []);
  assert.deepEqual(host.plugins.map((p) => p.name), ['three', 'two']);

  // The directory setting changed to a directory that does not exist: everything stops.
  calls().length = 0;
  await host.reload({ dir: join(base, 'gone') });
  assert.deepEqual(calls(), ['stop three', 'stop two']);
  assert.deepEqual(host.plugins, []);
});
