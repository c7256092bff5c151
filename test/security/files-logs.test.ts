// Job log files are created 0640 unless `logfile_mode` says otherwise (INI and JSON API), and credentials
// in URLs never reach gafferd's log.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadGafferdConfig } from '../../src/config/gafferd-config.js';
import { writeFileSync } from 'node:fs';
import { isGafferError } from '../../src/errors.js';
import { redactCredentials } from '../../src/util/redact.js';
import { startGafferd } from '../helpers/gafferd.js';
import { startManager } from '../helpers/manager.js';
import { fixtureCmd } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gaffer-files-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 1000 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(existsSync(path), `${path} was created`);
}

test('log files are created 0640 by default and with logfile_mode when set, whatever the umask', async () => {
  const m = await startManager();
  const previous = process.umask(0o077);
  try {
    m.load({ name: 'plain', cmd: fixtureCmd('sleeper.js'), stdout_logfile: join(dir, 'plain.log') });
    m.load({ name: 'private', cmd: fixtureCmd('sleeper.js'), stdout_logfile: join(dir, 'private.log'), logfile_mode: '600' });
    await waitForFile(join(dir, 'plain.log'));
    await waitForFile(join(dir, 'private.log'));
    await Promise.all([m.stopJob('plain'), m.stopJob('private')]);
  } finally {
    process.umask(previous);
  }
  assert.equal(statSync(join(dir, 'plain.log')).mode & 0o777, 0o640);
  assert.equal(statSync(join(dir, 'private.log')).mode & 0o777, 0o600);
  assert.equal(m.get('private').logfile_mode, '0600', 'the job config shows the mode in octal');
});

test('logfile_mode is validated: JSON wants an octal string, INI an octal value', async () => {
  const m = await startManager();
  for (const bad of [640, '0999', 'rw-r-----', '01777']) {
    assert.throws(() => m.load({ name: 'bad', cmd: 'true', stdout_logfile: join(dir, 'x.log'), logfile_mode: bad }), (err: unknown) => {
      assert.ok(isGafferError(err));
      assert.equal(err.status, 400);
      assert.match(err.message, /logfile_mode.*an octal file mode as a string, such as "0640"/);
      return true;
    });
  }
  const load = async (mode: string): Promise<Awaited<ReturnType<typeof loadGafferdConfig>>> => {
    const file = join(dir, `mode-${mode.replace(/\W/g, '_')}.ini`);
    writeFileSync(file, `[process:web]\ncmd = true\nlogfile_mode = ${mode}\n`);
    return loadGafferdConfig(file, { env: {}, homeDir: join(dir, 'home') });
  };
  assert.equal((await load('0o600')).jobs[0]!.config.logfile_mode, '0600');
  await assert.rejects(load('abc'), /logfile_mode.*expected an octal file mode such as 0640 or 0600/);
});

test('redactCredentials masks user:password and secret query parameters, leaves the rest', () => {
  assert.equal(redactCredentials('webhook https://bob:s3cret@hooks.example.com/x?a=1&token=abc&b=2 failed'),
    'webhook https://***@hooks.example.com/x?a=1&token=***&b=2 failed');
  assert.equal(redactCredentials('lookupd ws://TOKEN@10.0.0.1:5010/ws and http://h/?api_key=k#frag'),
    'lookupd ws://***@10.0.0.1:5010/ws and http://h/?api_key=***#frag');
  assert.equal(redactCredentials('job web: exit status 1 (a=b)'), 'job web: exit status 1 (a=b)');
});

test('gafferd logs webhook and lookupd URLs with their credentials masked', async () => {
  const received: string[] = [];
  const hook = createServer((req: IncomingMessage, res) => {
    received.push(req.headers.authorization ?? '');
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  after(() => hook.close());
  const port = (hook.address() as { port: number }).port;
  const d = await startGafferd({
    config: `[gaffer]\nlookupd_address = http://lookup:pw-lookupd@127.0.0.1:1\n\n[webhooks]\ncreate = http://hookuser:pw-webhook@127.0.0.1:${port}/hook?token=pw-token\n`,
  });
  const res = await fetch(`${d.url}/jobs/default`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'w', cmd: 'true', start: false }) });
  assert.equal(res.status, 200);
  await d.waitForLog(/webhook POST .* failed/);
  await d.waitForLog(/registering with lookupd/);
  const text = d.logs.join('\n');
  assert.ok(received.length > 0 && received[0]!.startsWith('Basic '), 'the webhook still gets its credentials');
  for (const secret of ['pw-lookupd', 'pw-webhook', 'pw-token']) assert.ok(!text.includes(secret), `'${secret}' is not in the log:\n${text}`);
  assert.match(text, /http:\/\/\*\*\*@127\.0\.0\.1:\d+\/hook\?token=\*\*\*/);
  await d.stop();
});
