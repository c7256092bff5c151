// Child process of the idle benchmark: supervises N idle `sleep` children with
// the Manager or with the raw baseline, prints "ready", and stops on SIGTERM.
import { Manager } from '../src/core/manager.js';
import { RawSupervisor } from './raw-supervisor.js';

const [kind = 'manager', countText = '100'] = process.argv.slice(2);
const count = Number(countText);
if (kind === 'manager') {
  const manager = new Manager();
  await manager.start();
  if (count > 0) manager.load({ name: 'idle', cmd: 'sleep 100000', numprocesses: count });
  process.on('SIGTERM', () => { void manager.stop().then(() => process.exit(0)); });
} else {
  const raw = new RawSupervisor('sleep', ['100000']);
  for (let i = 0; i < count; i++) raw.spawnOne();
  process.on('SIGTERM', () => { void raw.stopAll().then(() => process.exit(0)); });
}
// Keep the event loop alive even with no child (the empty-manager measurement).
setInterval(() => {}, 1 << 30);
process.stdout.write('ready\n');
