// Helpers of the auth tests: an HttpServerApp with an Authenticator over
// in-memory stores, keys made for the test, and status-only requests (feeds
// never end, so only the status line is awaited).
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Authenticator, type AuthenticatorOptions } from '../../src/auth/authenticator.js';
import type { Logger } from '../../src/util/logger.js';
import type { KeyPermissions } from '../../src/protocol/auth.js';
import { startServer, type TestServer } from '../helpers/http.js';

export interface AuthTestServer extends TestServer {
  auth: Authenticator;
  /** Create a key with these permissions; returns the key. */
  key(permissions: KeyPermissions, label?: string): string;
}

/** Fast hashes for tests that create many users (the production default is 600 000). */
export const TEST_HASH_ITERATIONS = 1000;

/** An HttpServerApp (127.0.0.1:0) with an in-memory Authenticator; keys required unless said otherwise. */
export async function startAuthServer(options: Partial<AuthenticatorOptions> & { httpLogger?: Logger } = {}): Promise<AuthTestServer> {
  const { httpLogger, ...authOptions } = options;
  const auth = new Authenticator({ required: true, authDb: ':memory:', keysDb: ':memory:', hashIterations: TEST_HASH_ITERATIONS, ...authOptions });
  const server = await startServer({ authenticator: auth, ...(httpLogger ? { logger: httpLogger } : {}) });
  after(() => auth.close());
  return { ...server, auth, key: (permissions, label) => auth.keys.create({ permissions, label }).key };
}

export interface StatusOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The status of one request; the response is abandoned after its headers (feeds stay open otherwise). */
export function statusOf(url: string, options: StatusOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const req = httpRequest(url, {
      method: options.method ?? 'GET',
      headers: { ...options.headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) },
      agent: false,
    }, (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `X-Api-Key` header for a key, or no header. */
export function withKey(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { 'X-Api-Key': key };
}

/** `Authorization: Basic` header. */
export function basic(username: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** A temporary directory removed when the test file ends. */
export function tempDir(prefix = 'gaffer-auth-'): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(path, { recursive: true, force: true }));
  return path;
}
