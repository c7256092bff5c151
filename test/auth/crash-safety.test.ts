// The stores survive a SIGKILL in the middle of writing: reopened, the
// databases pass integrity_check and hold every change reported as done.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { KeyStore } from '../../src/auth/key-store.js';
import { checkIntegrity } from '../../src/auth/sqlite-db.js';
import { UserStore } from '../../src/auth/user-store.js';
import { tempDir } from './auth-server.js';

const WRITER = join(import.meta.dirname, 'store-writer.js');

// Run the writer until it reported `changes` lines, SIGKILL it, and return what it reported.
function writeThenKill(dir: string, changes: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === changes) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`the writer exited (${code}) before being killed: ${stderr}`));
    });
  });
}

test('SIGKILL while keys and users are being written: no corruption, nothing reported lost', async () => {
  const dir = tempDir();
  const expectedKeys = new Set<string>();
  const expectedUsers = new Set<string>();
  // Several rounds on the same files: each one reopens what the previous kill left behind.
  for (const changes of [150, 301, 452]) {
    for (const line of await writeThenKill(dir, changes)) {
      const [what, ...items] = line.split(' ');
      if (what === 'created') items.forEach((k) => expectedKeys.add(k));
      if (what === 'deleted') items.forEach((k) => expectedKeys.delete(k));
      if (what === 'user') expectedUsers.add(items[0]!);
    }
    const keys = new KeyStore(join(dir, 'keys.db'));
    const users = new UserStore(join(dir, 'auth.db'));
    try {
      assert.equal(checkIntegrity(keys.database), 'ok');
      assert.equal(checkIntegrity(users.database), 'ok');
      assert.deepEqual(keys.database.pragma('foreign_key_check'), [], 'no sub-key outlived its parent');
      const stored = new Set(keys.list().map((k) => k.key));
      const lost = [...expectedKeys].filter((k) => !stored.has(k));
      assert.deepEqual(lost, [], 'keys reported as created are there');
      const names = new Set(users.list().map((u) => u.username));
      assert.deepEqual([...expectedUsers].filter((u) => !names.has(u)), [], 'users reported as created are there');
    } finally {
      keys.close();
      users.close();
    }
  }
  assert.ok(expectedKeys.size > 100, `${expectedKeys.size} keys checked`);
});
