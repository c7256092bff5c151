// API validation errors name the member and the rule (issue 14): the body
// keeps error/errno/reason and adds `field` and a readable `message`; job
// names follow Procfile types ([A-Za-z0-9_-], not only digits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorBody, request, startServer } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

const SLEEPER = fixtureCmd('sleeper.js');
const NAME_RULE = "name must be 1 to 200 letters, digits, '_' or '-' (like a Procfile type), not only digits";

test('0.5 and 0.4: a bad numprocesses names the field and the rule', async () => {
  const { url } = await startServer();
  const v05 = await request(`${url}/jobs/shop`, { body: { name: 'web', cmd: SLEEPER, numprocesses: -4 } });
  assert.deepEqual([v05.status, v05.json()], [400, fieldErrorBody('bad_request', 'numprocesses', 'numprocesses must be an integer >= 0 (got -4)')]);
  const v04 = await request(`${url}/processes`, { body: { name: 'web', cmd: SLEEPER, numprocesses: 'many' } });
  assert.deepEqual([v04.status, v04.json()], [400, fieldErrorBody('invalid_process_info', 'numprocesses', 'numprocesses must be an integer >= 0 (got "many")')]);
  const policy = await request(`${url}/jobs/shop`, { body: { name: 'web', cmd: SLEEPER, restart: 'sometimes' } });
  assert.deepEqual([policy.status, policy.json()], [400, fieldErrorBody('bad_request', 'restart', 'restart must be always, on-failure or never (got "sometimes")')]);
});

test('job names: "x y", other characters, only digits are refused; Procfile type names are accepted', async () => {
  const { url, manager } = await startServer();
  for (const name of ['x y', 'caf\u00e9', 'a$b', '']) {
    const res = await request(`${url}/jobs/shop`, { body: { name, cmd: SLEEPER, start: false } });
    assert.deepEqual([res.status, res.json()], [400, fieldErrorBody('bad_request', 'name', `${NAME_RULE} (got ${JSON.stringify(name)})`)], name);
  }
  const digits = await request(`${url}/jobs/shop`, { body: { name: '42', cmd: SLEEPER, start: false } });
  assert.equal(digits.status, 400);
  for (const name of ['web', 'web-2', 'worker_1', 'A9']) {
    const res = await request(`${url}/jobs/shop`, { body: { name, cmd: SLEEPER, start: false } });
    assert.deepEqual([res.status, res.json()], [200, { ok: true }], name);
  }
  assert.deepEqual(manager.jobs('shop'), ['shop.web', 'shop.web-2', 'shop.worker_1', 'shop.A9']);
});
