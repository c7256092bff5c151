// Child process of crash-safety.test.ts: writes keys and users as fast as it
// can, printing each change only after it is committed, until killed.
import { join } from 'node:path';
import { KeyStore } from '../../src/auth/key-store.js';
import { UserStore } from '../../src/auth/user-store.js';

const dir = process.argv[2]!;
const keys = new KeyStore(join(dir, 'keys.db'));
const users = new UserStore(join(dir, 'auth.db'), { hashIterations: 1000 });
const say = (line: string): void => { process.stdout.write(`${line}\n`); };

for (let i = 0; ; i++) {
  // Multi-row changes: a parent with two sub-keys, deleted together every third round.
  const parent = keys.create({ label: `round ${i}`, permissions: { manage: [`s${i}`] } });
  const children = [keys.create({ parent: parent.key }), keys.create({ parent: parent.key })];
  say(`created ${parent.key} ${children.map((c) => c.key).join(' ')}`);
  if (i % 3 === 2) say(`deleted ${keys.delete(parent.key).join(' ')}`);
  const name = `user${process.pid}-${i}`;
  await users.create(name, { password: `pw-${i}`, key: parent.key });
  say(`user ${name}`);
}
