// The systemd exporter never lets a value start a new directive: control characters are refused in
// unquoted fields (User=, Group=, WorkingDirectory=, Description=) and C-escaped in quoted ones
// (Environment=, ExecStart=).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { exportSystemd, gafferdServiceUnit } from '../../src/config/export-systemd.js';
import { parseProcfile } from '../../src/config/procfile.js';
import { isGafferError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'gaffer-files-systemd-'));
after(() => rmSync(work, { recursive: true, force: true }));
const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const PROCFILE = parseProcfile('web: ./server\n', 'Procfile');
const INJECTED = '\nExecStartPre=/bin/rm -rf /';

// Every line of a unit is a section header or one of the directives the exporter writes.
function assertNoInjectedDirective(content: string): void {
  for (const line of content.split('\n')) {
    assert.ok(line === '' || /^\[(Unit|Service|Install)\]$/.test(line) || /^[A-Z][A-Za-z]+=/.test(line), `unexpected line ${JSON.stringify(line)}`);
    assert.ok(!line.startsWith('ExecStartPre='), `a directive was injected: ${JSON.stringify(line)}`);
  }
}

function refused(fn: () => unknown, field: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isGafferError(err), `a GafferError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.match(err.message, field);
    assert.match(err.message, /control character/);
    return true;
  });
}

test('unquoted fields refuse control characters: User=, Group=, WorkingDirectory=, Description=, the gafferd command', () => {
  refused(() => gafferdServiceUnit({ config: '/etc/gaffer', user: `gaffer${INJECTED}` }), /User=/);
  refused(() => gafferdServiceUnit({ config: '/etc/gaffer', group: `gaffer${INJECTED}` }), /Group=/);
  refused(() => gafferdServiceUnit({ config: '/etc/gaffer', workingDirectory: `/srv${INJECTED}` }), /WorkingDirectory=/);
  refused(() => gafferdServiceUnit({ config: '/etc/gaffer', gafferd: `/usr/bin/gafferd${INJECTED}` }), /gafferd command/);
  refused(() => exportSystemd(PROCFILE, { appName: `shop${INJECTED}`, root: '/srv/shop' }), /Description=/);
  refused(() => exportSystemd(PROCFILE, { appName: 'shop', root: `/srv/shop${INJECTED}` }), /WorkingDirectory=/);
  refused(() => exportSystemd(PROCFILE, { appName: 'shop', root: '/srv/shop', user: `www\tx` }), /User=/);
  refused(() => exportSystemd(PROCFILE, { appName: 'shop', root: '/srv/shop', env: { 'A\nB': 'x' } }), /control characters/);
  assert.throws(() => exportSystemd(PROCFILE, { appName: 'shop', root: '/srv/shop', env: { A: 'x\u0000y' } }), /control character/);
});

test('quoted fields escape control characters: Environment= and ExecStart= stay one line each', () => {
  const procfile = parseProcfile('web: ./server --greet "a\\tb"\n', 'Procfile');
  const units = exportSystemd(procfile, { appName: 'shop', root: '/srv/shop', env: { MOTD: `hello${INJECTED}\r\u0007end` } });
  const service = units[1]!.content;
  assertNoInjectedDirective(service);
  assert.match(service, /^Environment="MOTD=hello\\nExecStartPre=\/bin\/rm -rf \/\\r\\x07end"$/m);
  const config = gafferdServiceUnit({ config: `/etc/gaffer${INJECTED}` });
  assertNoInjectedDirective(config.content);
  assert.match(config.content, /^ExecStart=\/usr\/bin\/env gafferd -c "\/etc\/gaffer\\nExecStartPre=\/bin\/rm -rf \/"$/m);
});

test('systemd-analyze reads the escaped values back as one directive each', { skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze is not installed' }, async () => {
  const units = exportSystemd(PROCFILE, { appName: 'shop', root: work, env: { MOTD: `hello${INJECTED}\tend` } });
  const dir = join(work, 'units');
  mkdirSync(dir, { recursive: true });
  const files = units.map((u) => {
    writeFileSync(join(dir, u.name), u.content);
    return join(dir, u.name);
  });
  const { stderr } = await promisify(execFile)(SYSTEMD_ANALYZE!, ['verify', '--man=no', ...files], { timeout: 60_000 });
  assert.equal(stderr.trim(), '');
});

test('gaffer export --format systemd: a newline in the folder path or --user is refused with a sentence and a non-zero exit', async () => {
  // A folder name can hold a newline: the folder app name replaces it, but WorkingDirectory= is the path itself.
  const app = join(work, 'app\nUser=root');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'Procfile'), 'web: ./server\n');
  const result = await runCli('gaffer', ['export', '--format=systemd'], { cwd: app });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^cannot export WorkingDirectory= ".*\\nUser=root": it contains a control character/);
  const plainApp = join(work, 'plain');
  mkdirSync(plainApp, { recursive: true });
  writeFileSync(join(plainApp, 'Procfile'), 'web: ./server\n');
  const user = await runCli('gaffer', ['export', '--format=systemd', '--user', 'www\nGroup=root'], { cwd: plainApp });
  assert.notEqual(user.code, 0);
  assert.match(user.stderr, /^cannot export User= "www\\nGroup=root": it contains a control character/);
});
