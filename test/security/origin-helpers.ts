// Helpers for the security tests: a gafferd HTTP stack (routes, websockets,
// SockJS channel) with a given origin policy, and a websocket handshake that
// reports the HTTP refusal instead of throwing.
import { after } from 'node:test';
import { WebSocket } from 'ws';
import { SockJsChannel } from '../../src/apps/channel/sockjs-channel.js';
import type { Manager } from '../../src/core/manager.js';
import type { HttpServerAppOptions } from '../../src/http/server-app.js';
import { OriginPolicy, type OriginPolicyOptions } from '../../src/httpkit/origin-policy.js';
import { outputOf, startServer, type TestServer } from '../helpers/http.js';
import { fixtureCmd } from '../helpers/paths.js';

export interface GuardedServer extends TestServer {
  channel: SockJsChannel;
  policy: OriginPolicy;
}

/** Manager + HTTP API + SockJS `/channel` on 127.0.0.1:0 with an OriginPolicy built from `options`. */
export async function startGuardedServer(options: OriginPolicyOptions = {}, http: Partial<HttpServerAppOptions> = {}): Promise<GuardedServer> {
  const policy = new OriginPolicy(options);
  const server = await startServer({ ...http, originPolicy: policy });
  const channel = new SockJsChannel({ host: server.app, disconnectMs: 500 });
  await server.manager.addApplication(channel);
  after(() => channel.stop());
  return { ...server, channel, policy };
}

/** Load an echo job (stdin → stdout) and resolve with its pid once it is ready. */
export async function loadEcho(manager: Manager, name = 'echo'): Promise<number> {
  const job = manager.load({ name, cmd: fixtureCmd('echo.js'), redirect_input: true, redirect_output: ['stdout'] });
  const pid = job.kept[0]!.pid;
  await outputOf(manager, pid, 'ready');
  return pid;
}

/** How a websocket handshake ended: opened (socket returned, open) or refused with an HTTP status and JSON body. */
export type Handshake = { opened: true; ws: WebSocket } | { opened: false; status: number; body: unknown };

/** Try a websocket handshake with the given headers (`origin` is sent as the Origin header). */
export function tryWebSocket(url: string, headers: Record<string, string> = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const { origin, ...rest } = headers;
    const ws = new WebSocket(url, { headers: rest, ...(origin === undefined ? {} : { origin }) });
    ws.once('open', () => {
      after(() => ws.terminate());
      resolve({ opened: true, ws });
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch { /* kept as text */ }
        resolve({ opened: false, status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', (err) => reject(err));
  });
}
