// `gaffer export --format systemd --gafferd CONFIG`: the whole node as one systemd service.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('export --format systemd --gafferd writes gafferd.service running gafferd on that configuration', async () => {
  writeFileSync(join(dir, 'gafferd.ini'), '[process:web]\ncmd = node web.js\n');
  const printed = await runCli('gaffer', ['export', '--format', 'systemd', '--gafferd', 'gafferd.ini'], { cwd: dir });
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, new RegExp(`^ExecStart=${process.execPath} ${join(ROOT, 'bin', 'gafferd.js')} -c ${join(dir, 'gafferd.ini')}$`, 'm'));
  assert.match(printed.stdout, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  assert.match(printed.stdout, /^KillMode=mixed$/m);
  const written = await runCli('gaffer', ['export', '--format', 'systemd', '--gafferd', 'gafferd.ini', '--out', 'units'], { cwd: dir });
  assert.equal(written.code, 0, written.stderr);
  assert.equal(readFileSync(join(dir, 'units', 'gafferd.service'), 'utf8'), printed.stdout);
});
