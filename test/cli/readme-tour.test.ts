// README.md's 5-minute tour, command by command, against the built bins: examples/myapp copied
// to a folder named myapp, `gaffer start`, `gaffer run`, then gafferd with gaffer load / scale /
// ps / reload / unload, gafferctl watch / list, curl-shaped HTTP, and the export to gafferd -c.
// Departures from the literal text, each for the shared test machine: gafferd binds port 0
// (the tour's default 5000 may be taken; GAFFER_ENDPOINT / GAFFERCTL_ENDPOINT point the tools
// at it), and each PORT base is a free range given with -p (the defaults 5000 / 5100 are
// checked by the unit tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyTourApp, freeBase, untilServing } from '../helpers/app-dir.js';
import { consoleLine, runCli, spawnCli, type CliProgram } from '../helpers/cli.js';
import { startGafferd } from '../helpers/gafferd.js';
import { ROOT } from '../helpers/paths.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const app = copyTourApp('myapp');

// Each command the test runs is one the README's tour shows.
function shown(command: string): void {
  assert.ok(README.includes(command), `README.md no longer shows ${JSON.stringify(command)}`);
}

test('the tour app: the Procfile and .env the README shows', () => {
  shown('web: node server.js --port $PORT\n    worker: node worker.js');
  assert.equal(readFileSync(join(app, 'Procfile'), 'utf8'), 'web: node server.js --port $PORT\nworker: node worker.js\n');
  shown('$ echo GREETING=hello > .env');
});

test('gaffer start -c web=2: web.1 and web.2 serve on their own PORT; Ctrl-C stops everything with status 0', async () => {
  shown('$ gaffer start -c web=2');
  const base = await freeBase([0, 1]);
  const cli = spawnCli('gaffer', ['start', '-c', 'web=2', '-p', String(base)], { cwd: app });
  await cli.waitForLine(consoleLine('web.1', `listening on ${base}`));
  await cli.waitForLine(consoleLine('web.2', `listening on ${base + 1}`));
  await cli.waitForLine(consoleLine('worker.1', /spawn process with pid \d+/));
  assert.deepEqual(await untilServing(base + 1).then((r) => [r.greeting, r.port]), ['hello', base + 1]);
  cli.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 0, result.stderr);
});

test('gaffer run node scripts/migrate.js: a one-off command with the same environment', async () => {
  shown('`gaffer run node scripts/migrate.js`');
  const result = await runCli('gaffer', ['run', 'node', 'scripts/migrate.js'], { cwd: app });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.lines.some((l) => consoleLine('node', 'migrating with GREETING=hello: 3 migrations to apply').test(l)), result.stdout);
});

test('under gafferd: load, scale (each instance on its PORT), ps, watch, list, curl, reload, unload', async () => {
  shown('$ gafferd &');
  const gafferd = await startGafferd();
  const env = { GAFFER_ENDPOINT: gafferd.url, GAFFERCTL_ENDPOINT: gafferd.url };
  const run = async (program: CliProgram, args: string[]): Promise<string> => {
    const result = await runCli(program, args, { cwd: app, env });
    assert.equal(result.code, 0, `${program} ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const base = await freeBase([0, 1, 2]);

  shown('$ gaffer load ');
  assert.equal(await run('gaffer', ['load', '-p', String(base)]), `==> 'myapp' has been loaded in ${gafferd.url}\n`);
  const first = await untilServing(base);
  assert.deepEqual([first.greeting, first.port, first.cwd], ['hello', base, app], 'web.1 serves on its PORT, in the app folder, with .env');

  shown('$ gaffer scale web=3 ');
  assert.equal(await run('gaffer', ['scale', 'web=3']), 'Scaling web processes... done, now running 3\n');
  const served = await Promise.all([0, 1, 2].map((k) => untilServing(base + k)));
  assert.deepEqual(served.map((r) => r.port), [base, base + 1, base + 2], 'each instance has its own PORT after scale');
  assert.equal(new Set(served.map((r) => r.pid)).size, 3);

  shown('$ gaffer ps\n');
  const ps = await run('gaffer', ['ps']);
  assert.match(ps, /^=== web: `node server\.js --port \$PORT`$/m);
  assert.equal(ps.match(/^web\.\d+: up for /gm)?.length, 3, ps);
  shown('web.1: up for 00:12 (CPU time 0:00.04)');
  assert.match(ps, /^web\.\d+: up for \d\d:\d\d \(CPU time \d+:\d\d\.\d\d\)$/m, 'the line has the form README shows');

  shown('$ gafferctl watch ');
  const watch = spawnCli('gafferctl', ['watch'], { cwd: app, env });
  shown('$ gafferctl list ');
  assert.match(await run('gafferctl', ['list']), /^myapp\.web\s.*\b3\b/m);

  shown('$ curl localhost:5000/jobs/myapp/web');
  const info = await fetch(`${gafferd.url}/jobs/myapp/web`).then(async (r) => [r.status, await r.json()] as const);
  assert.equal(info[0], 200);
  const job = info[1] as { name: string; running: number; config: { port: number; cwd: string } };
  assert.deepEqual([job.name, job.running, job.config.port, job.config.cwd], ['myapp.web', 3, base, app]);

  shown("$ gaffer reload web --no-input    # fresh processes, back to the loaded size (1 web, as gaffer does)\n    job 'web' reloaded");
  assert.equal(await run('gaffer', ['reload', 'web', '--no-input']), "job 'web' reloaded\n");
  await watch.waitForLine(/myapp\.web.*spawn|spawn.*myapp\.web/);
  // reload replaces the processes and resets the target to the job's numprocesses (core.md): the
  // new web.1 takes slot 1 again, so the same PORT.
  const reloaded = await untilServing(base, (r) => !served.some((s) => s.pid === r.pid));
  assert.equal(reloaded.port, base);
  const after = await fetch(`${gafferd.url}/jobs/myapp/web`).then(async (r) => await r.json() as { max_processes: number });
  assert.equal(after.max_processes, 1, 'back to the loaded size, as the README says');

  shown("$ gaffer unload --no-input\n    ==> app 'myapp' unloaded");
  assert.equal(await run('gaffer', ['unload', '--no-input']), "==> app 'myapp' unloaded\n");
  watch.kill('SIGINT');
  await watch.done;
  await gafferd.stop();
});

test('gaffer export > myapp.ini, then gafferd -c myapp.ini from another directory runs the app', async () => {
  shown('`gaffer export > myapp.ini`');
  shown('`gafferd -c myapp.ini`');
  const base = await freeBase([0]);
  const exported = await runCli('gaffer', ['export', '-p', String(base)], { cwd: app });
  assert.equal(exported.code, 0, exported.stderr);
  // startGafferd runs gafferd in its own temp folder with the file as -c.
  const gafferd = await startGafferd({ config: exported.stdout });
  const served = await untilServing(base);
  assert.deepEqual([served.greeting, served.port, served.cwd], ['hello', base, app]);
  await gafferd.stop();
});
