// Channel messages nested beyond MAX_JSON_DEPTH are refused like other malformed
// messages (gaffer:error invalid_msg json_too_deep); the connection stays usable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRawChannel, openSockJs, startChannelServer } from '../apps/channel-helpers.js';

test('a 5 000-deep channel command is an invalid_msg json_too_deep, and the connection keeps working', async () => {
  const { url, wsUrl, manager } = await startChannelServer();
  const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const message = `{"event":"CMD","data":{"name":"load","identity":"deep","args":[{"name":"deep","cmd":"true","x":${nested}}]}}`;
  for (const client of [await openRawChannel(wsUrl), await openSockJs(url, ['xhr-polling'])]) {
    client.send(message);
    assert.deepEqual(await client.next((m) => m.event === 'gaffer:error' || m.event === 'gaffer:command_error'),
      { event: 'gaffer:error', data: { error: 'invalid_msg', reason: 'json_too_deep' } }, client.transport);
    assert.equal((await client.sub('EVENTS')).event, 'gaffer:subscription_success', `${client.transport} still works`);
    client.close();
  }
  assert.deepEqual(manager.jobs(), []);
});
