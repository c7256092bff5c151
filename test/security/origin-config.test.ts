// `[gaffer] allowed_origins`, `server_names` and `--allow-origin`: parsing,
// clear errors, and a real gafferd that applies them (and a SIGHUP reload).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { useTempDir } from '../config/temp-dir.js';
import { runGafferd, startGafferd } from '../helpers/gafferd.js';
import { request } from '../helpers/http.js';
import { exceedsJsonDepth } from '../../src/util/json-depth.js';
import { hostNameOf, normalizeOrigin } from '../../src/util/origins.js';

test('allowed_origins and server_names are read in canonical form; --allow-origin adds to the list', async () => {
  const dir = await useTempDir();
  const file = await dir.write('gaffer.ini', '[gaffer]\nallowed_origins = https://OPS.example.com:443/, http://localhost:8080 https://ops.example.com\nserver_names = Gaffer.example.com, 192.168.1.10 ::1\n');
  const config = await loadGafferdConfig(file, { overrides: { allowOrigins: ['http://127.0.0.1:3000', '*'] } });
  assert.deepEqual(config.allowedOrigins, ['https://ops.example.com', 'http://localhost:8080', 'http://127.0.0.1:3000', '*']);
  assert.deepEqual(config.serverNames, ['gaffer.example.com', '192.168.1.10', '::1']);
  const defaults = await loadGafferdConfig(undefined);
  assert.deepEqual([defaults.allowedOrigins, defaults.serverNames], [[], []], 'same-origin only and loopback names only by default');
});

test('bad values are errors naming the key or option and the expected form', async () => {
  const dir = await useTempDir();
  const cases: Array<[string, RegExp]> = [
    ['allowed_origins = https://ops.example.com/app', /\[gaffer\] allowed_origins .*expected an origin such as https:\/\/ops\.example\.com/],
    ['allowed_origins = ops.example.com', /allowed_origins .*scheme:\/\/host\[:port\]/],
    ['server_names = https://gaffer.example.com', /server_names .*expected host names or IP addresses/],
    ['server_names = gaffer.example.com:5000', /server_names .*no scheme, port or path/],
  ];
  for (const [line, pattern] of cases) {
    const file = await dir.write('bad.ini', `[gaffer]\n${line}\n`);
    await assert.rejects(loadGafferdConfig(file), (err: Error) => pattern.test(err.message), line);
  }
  await assert.rejects(loadGafferdConfig(undefined, { overrides: { allowOrigins: ['evil'] } }), /--allow-origin "evil": expected an origin/);
  const cli = await runGafferd(['--allow-origin', 'https://x.example/path']);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /--allow-origin "https:\/\/x\.example\/path": expected an origin/);
});

test('gafferd applies allowed_origins and server_names, and a SIGHUP reload changes them', async () => {
  const d = await startGafferd({ config: '[gaffer]\nallowed_origins = https://ops.example.com\n' });
  const ops = await request(`${d.url}/jobs`, { headers: { Origin: 'https://ops.example.com' } });
  assert.deepEqual([ops.status, ops.headers['access-control-allow-origin']], [200, 'https://ops.example.com']);
  assert.equal((await request(`${d.url}/jobs`, { headers: { Host: 'gaffer.example.com' } })).status, 403);
  writeFileSync(join(d.dir, 'gaffer.ini'), '[gaffer]\nserver_names = gaffer.example.com\n');
  d.child.kill('SIGHUP');
  await d.waitForLog(/allowed origins: \(same-origin only\); server names: gaffer\.example\.com/);
  assert.equal((await request(`${d.url}/jobs`, { headers: { Origin: 'https://ops.example.com' } })).status, 403);
  assert.equal((await request(`${d.url}/jobs`, { headers: { Host: 'gaffer.example.com' } })).status, 200);
});

test('origin, host and depth helpers', () => {
  assert.equal(normalizeOrigin('HTTP://LocalHost:80'), 'http://localhost');
  assert.equal(normalizeOrigin('https://a.example:8443/'), 'https://a.example:8443');
  assert.equal(normalizeOrigin('https://user:pw@a.example'), undefined);
  assert.equal(normalizeOrigin('https://a.example/x'), undefined);
  assert.equal(normalizeOrigin('chrome-extension://abcdef'), 'chrome-extension://abcdef');
  assert.deepEqual(['[::1]:5000', 'Example.com:80', 'example.com.', '::1'].map(hostNameOf), ['::1', 'example.com', 'example.com', '::1']);
  assert.equal(exceedsJsonDepth('[[["]]]]]]"]]]', 3), false, 'brackets inside strings do not count');
  assert.equal(exceedsJsonDepth('{"a":{"b":{"c":{}}}}', 3), true);
  assert.equal(exceedsJsonDepth('"\\\\"[[[', 2), true, 'an escaped backslash ends before the quote');
});
