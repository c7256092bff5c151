import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { exportSystemd, gafferdServiceUnit } from '../../src/config/export-systemd.js';
import { parseProcfile } from '../../src/config/procfile.js';
import { useTempDir } from './temp-dir.js';

const tmp = await useTempDir();
const PROCFILE = parseProcfile(`web: ./server --port $PORT --msg "100% \\"quoted\\""\nworker: ./work && echo done\nidle: ./never\n`, 'Procfile');
const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));

test('gafferd.service runs gafferd in the foreground on the configuration, reloads with SIGHUP, stops with KillMode=mixed', () => {
  const unit = gafferdServiceUnit({ config: '/etc/gaffer', user: 'gaffer', group: 'gaffer', workingDirectory: '/var/lib/gaffer' });
  assert.equal(unit.name, 'gafferd.service');
  assert.equal(unit.content, `[Unit]
Description=gaffer process supervisor (gafferd)
After=network.target

[Service]
Type=simple
User=gaffer
Group=gaffer
WorkingDirectory=/var/lib/gaffer
ExecStart=/usr/bin/env gafferd -c /etc/gaffer
ExecReload=/bin/kill -HUP $MAINPID
KillMode=mixed
TimeoutStopSec=35
Restart=on-failure

[Install]
WantedBy=multi-user.target
`);
  const spaced = gafferdServiceUnit({ config: '/etc/my gaffer/100%.ini', gafferd: '/usr/local/bin/gafferd', timeoutStopSec: 70 });
  assert.match(spaced.content, /^ExecStart=\/usr\/local\/bin\/gafferd -c "\/etc\/my gaffer\/100%%\.ini"$/m);
  assert.match(spaced.content, /^TimeoutStopSec=70$/m);
});

test('per-process units: a target wanting <app>-<type>-<n>.service, PORT = base + 100 x type + instance', () => {
  const units = exportSystemd(PROCFILE, {
    appName: 'shop', root: '/srv/shop', env: { A: 'x y', PCT: '50%', PORT: '7000' }, concurrency: new Map([['web', 2], ['idle', 0]]), user: 'www',
  });
  assert.deepEqual(units.map((u) => u.name), ['shop.target', 'shop-web-1.service', 'shop-web-2.service', 'shop-worker-1.service']);
  assert.equal(units[0]!.content, `[Unit]
Description=shop (Procfile application)
Wants=shop-web-1.service shop-web-2.service shop-worker-1.service

[Install]
WantedBy=multi-user.target
`);
  assert.equal(units[2]!.content, `[Unit]
Description=shop web process 2
PartOf=shop.target
After=network.target

[Service]
Type=simple
User=www
WorkingDirectory=/srv/shop
Environment="A=x y"
Environment="PCT=50%%"
Environment="PORT=7001"
ExecStart=/bin/sh -c "./server --port $$PORT --msg \\"100%% \\\\\\"quoted\\\\\\"\\""
Restart=always
RestartSec=1
KillMode=control-group
TimeoutStopSec=30
StandardInput=null
SyslogIdentifier=shop-web-2
`);
  assert.match(units[3]!.content, /^Environment="PORT=7100"$/m);
  assert.match(units[3]!.content, /^ExecStart=\/bin\/sh -c "\.\/work && echo done"$/m);
});

test('unit names replace characters systemd does not allow', () => {
  const units = exportSystemd(parseProcfile('web: ./w\n', 'Procfile'), { appName: 'my app@1', root: '/srv' });
  assert.deepEqual(units.map((u) => u.name), ['my_app_1.target', 'my_app_1-web-1.service']);
  assert.match(units[1]!.content, /^Environment="PORT=5000"$/m);
});

test('systemd-analyze verify accepts the generated units', { skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze is not installed' }, async () => {
  const units = [gafferdServiceUnit({ config: '/etc/gaffer dir' }),
    ...exportSystemd(PROCFILE, { appName: 'shop', root: tmp.path, env: { A: 'x "y"', B: '50%' } })];
  const files = await Promise.all(units.map((u) => tmp.write(`units/${u.name}`, u.content)));
  const { stderr } = await promisify(execFile)(SYSTEMD_ANALYZE!, ['verify', '--man=no', ...files], { timeout: 60_000 });
  assert.equal(stderr.trim(), '');
});

test('per-process units follow the Procfile-line rule: a plain line is exec\'d through /usr/bin/env, $VAR left to systemd', () => {
  const procfile = parseProcfile(`web: node server.js --port $PORT --name=\${APP}_1 'a b' 100%\nboth: echo one && echo two\n`, 'Procfile');
  const [, web, both] = exportSystemd(procfile, { appName: 'app', root: '/srv' });
  assert.match(web!.content, /^ExecStart=\/usr\/bin\/env node server\.js --port \$\{PORT\} --name=\$\{APP\}_1 "a b" 100%%$/m);
  assert.match(both!.content, /^ExecStart=\/bin\/sh -c "echo one && echo two"$/m);
  const [, only] = exportSystemd(procfile, { appName: 'app', root: '/srv', only: 'both' });
  assert.equal(only!.name, 'app-both-1.service');
  assert.match(only!.content, /^Environment="PORT=5100"$/m, 'one type keeps the PORT of its position');
});
