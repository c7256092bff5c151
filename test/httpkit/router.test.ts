import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePattern, matchPattern, splitPath } from '../../src/httpkit/path-pattern.js';
import { Router } from '../../src/httpkit/router.js';

test('splitPath decodes segments, ignores a trailing slash and keeps %2F inside a segment', () => {
  assert.deepEqual(splitPath('/'), []);
  assert.deepEqual(splitPath('/processes/'), ['processes']);
  assert.deepEqual(splitPath('/jobs/my%20app/a%2Fb'), ['jobs', 'my app', 'a/b']);
  assert.throws(() => splitPath('/bad/%E0%A4%A'), { status: 400, reason: 'bad_request' });
});

test('patterns: literals, params, constrained params and rest', () => {
  const p = compilePattern('/processes/:pid<\\d+>/_signal/:sig');
  assert.deepEqual(matchPattern(p, ['processes', '12', '_signal', 'HUP']), { params: { pid: '12', sig: 'HUP' }, rest: [] });
  assert.equal(matchPattern(p, ['processes', 'web', '_signal', 'HUP']), undefined);
  assert.equal(matchPattern(p, ['processes', '12', '_signal']), undefined);
  const rest = compilePattern('/watch/*pattern');
  assert.deepEqual(matchPattern(rest, ['watch']), { params: {}, rest: [] });
  assert.deepEqual(matchPattern(rest, ['watch', 'proc', 'web']), { params: {}, rest: ['proc', 'web'] });
  assert.equal(matchPattern(compilePattern('/a/:x'), ['a', '']), undefined, 'a param never matches an empty segment');
  assert.throws(() => compilePattern('/a/*rest/b'), /last segment/);
});

test('router: first route matching path and method wins; 404 and 405 with Allow otherwise', () => {
  const r = new Router<string, string>()
    .add('GET', '/jobs/:sid', 'list', 'm1')
    .add(['PUT', 'DELETE'], '/jobs/:sid/:name', 'job', 'm2')
    .add('*', '/jobs/:sid/:name/:action/*more', 'catch-all', 'm3')
    .add('GET', '/:pid<\\d+>', 'pid', 'm4');
  const found = r.lookup('GET', ['jobs', 'app']);
  assert.ok(found.found);
  assert.equal(found.handler, 'list');
  assert.equal(found.meta, 'm1');
  assert.deepEqual(found.params, { sid: 'app' });

  const wrong = r.lookup('POST', ['jobs', 'app', 'web']);
  assert.equal(wrong.found, false);
  assert.ok(!wrong.found && wrong.status === 405);
  assert.deepEqual(!wrong.found && wrong.allow.sort(), ['DELETE', 'OPTIONS', 'PUT']);

  const any = r.lookup('PATCH', ['jobs', 'app', 'web', 'x', 'y']);
  assert.ok(any.found && any.handler === 'catch-all' && any.params.action === 'x' && any.rest.join('/') === 'y');

  assert.ok(r.lookup('GET', ['42']).found);
  const missing = r.lookup('GET', ['nothing']);
  assert.ok(!missing.found && missing.status === 404);
});
