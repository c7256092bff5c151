// A Procfile application in a temp folder (a copy of examples/myapp by default), free port
// ranges for its PORTs, and waiting until one of its web instances answers.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { ROOT } from './paths.js';

/** Copy examples/myapp to `<tmp>/<name>` (removed after the file); returns the folder. */
export function copyTourApp(name = 'myapp'): string {
  const parent = mkdtempSync(join(tmpdir(), 'gaffer-app-'));
  after(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, name);
  cpSync(join(ROOT, 'examples', 'myapp'), dir, { recursive: true });
  writeFileSync(join(dir, '.env'), 'GREETING=hello\n');
  return dir;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port B such that B + each offset is free on 127.0.0.1 right now. */
export async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the ephemeral range (32768+), so outgoing connections do not take the ports meanwhile.
    const base = 20000 + Math.floor(Math.random() * 12000);
    const checks = await Promise.all(offsets.map((o) => isFree(base + o)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no free port range for offsets ${offsets.join(',')}`);
}

/**
 * GET http://127.0.0.1:<port>/ as JSON, retrying while nothing listens yet (the process is
 * starting) or while the answer is not `accepted` (e.g. still the process being replaced).
 */
export async function untilServing(port: number, accepted: (body: Record<string, unknown>) => boolean = () => true,
  timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const body = await getJson(port);
      if (accepted(body)) return body;
      throw new Error(`unexpected answer ${JSON.stringify(body)}`);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function getJson(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.once('error', reject);
    req.end();
  });
}
