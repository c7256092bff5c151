// Child process of wrong-keys.test.ts: sends `count` requests with random
// (wrong) keys, or with `key` when given, `concurrency` at a time; prints
// "started" first and then the set of statuses and the elapsed ms as JSON.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

const [url, countText, concurrencyText, key] = process.argv.slice(2) as [string, string, string, string | undefined];
const count = Number(countText);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrencyText) });

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'X-Api-Key': key ?? randomBytes(16).toString('hex') } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

process.stdout.write('started\n');
const start = process.hrtime.bigint();
const statuses = await Promise.all(Array.from({ length: count }, get));
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ statuses: [...new Set(statuses)], ms })}\n`);
agent.destroy();
