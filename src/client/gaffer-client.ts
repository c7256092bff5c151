// GafferClient: the HTTP API of one gafferd node, both generations (0.4
// `/processes`, `/status`, `/watch`; 0.5 `/sessions`, `/jobs`, `/<pid>`,
// `/auth`, `/keys`, `/users`; the port's `/jobs/<sid>/<name>/logfile`).
// Never imports core/, so the CLIs that use it start fast.
import type { IncomingMessage } from 'node:http';
import type { AuthResponse, CreateKeyRequest, CreateKeyResponse, CreateUserRequest, KeyRecord, UserRecord } from '../protocol/auth.js';
import { parseSignal } from '../util/signals.js';
import { errorFromResponse } from './client-errors.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import type { CommitRequest, JobInfo, JobStats, JobStatus, LogfileRequest } from './api-types.js';
import { HttpTransport, decode, type TlsOptions } from './http-transport.js';

export interface GafferClientOptions {
  /** `http://host:port`, `https://host:port` or `unix:/path` (default http://127.0.0.1:5000). */
  endpoint?: string | Endpoint;
  apiKey?: string;
  tls?: TlsOptions;
  timeoutMs?: number;
}

export type { CommitRequest, JobInfo, JobStats, JobStatus, LogfileRequest, ProcessStatsEntry } from './api-types.js';

const seg = encodeURIComponent;

/** Client of one gafferd node. Errors are GafferErrors (NotFoundError for 404...) or UnreachableError. */
export class GafferClient {
  readonly transport: HttpTransport;

  constructor(options: GafferClientOptions = {}) {
    const endpoint = typeof options.endpoint === 'object' ? options.endpoint : parseEndpoint(options.endpoint ?? 'http://127.0.0.1:5000');
    this.transport = new HttpTransport({ endpoint, apiKey: options.apiKey, tls: options.tls, timeoutMs: options.timeoutMs });
  }

  get endpoint(): Endpoint {
    return this.transport.endpoint;
  }

  /** Release kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  /** HEAD a path: true for 2xx, false for 404 (never throws on a status). */
  async exists(path: string): Promise<boolean> {
    const reply = await this.transport.request('HEAD', path);
    return reply.status >= 200 && reply.status < 300;
  }

  // ------------------------------------------------------------ common

  /** `GET /`: `{welcome, version}`. */
  welcome(): Promise<{ welcome: string; version: string }> {
    return this.transport.call('GET', '/');
  }

  /** `GET /version`. */
  version(): Promise<{ name: string; version: string }> {
    return this.transport.call('GET', '/version');
  }

  // ------------------------------------------------------------ 0.4 API

  /** Legacy names of every job, or the internal pids of live processes with `running`. */
  processes(running = false): Promise<Array<string | number>> {
    return this.transport.call('GET', running ? '/processes?running=true' : '/processes');
  }

  /** Load a job (`POST /processes`); `start` is written into the body. */
  addProcess(config: Record<string, unknown>, start: boolean): Promise<{ ok: true }> {
    return this.transport.call('POST', '/processes', { ...config, start });
  }

  /** The stored config of a job (0.4 shape: `name` is the legacy name). */
  getProcess(name: string): Promise<Record<string, unknown>> {
    return this.transport.call('GET', `/processes/${seg(name)}`);
  }

  updateProcess(name: string, config: Record<string, unknown>, start: boolean): Promise<{ ok: true }> {
    return this.transport.call('PUT', `/processes/${seg(name)}`, { ...config, start });
  }

  deleteProcess(name: string): Promise<{ ok: true }> {
    return this.transport.call('DELETE', `/processes/${seg(name)}`);
  }

  /** `_start`, `_stop` or `_restart` a job. */
  processAction(name: string, action: 'start' | 'stop' | 'restart'): Promise<{ ok: true }> {
    return this.transport.call('POST', `/processes/${seg(name)}/_${action}`);
  }

  /** Scale by +n (`add`) or -n (`sub`); resolves with the new target. */
  async scaleProcess(name: string, action: 'add' | 'sub', n: number): Promise<number> {
    const reply = await this.transport.call<{ numprocesses: number }>('POST', `/processes/${seg(name)}/_${action}/${n}`);
    return reply.numprocesses;
  }

  status(name: string): Promise<JobStatus> {
    return this.transport.call('GET', `/status/${seg(name)}`);
  }

  async processPids(name: string): Promise<number[]> {
    return (await this.transport.call<{ pids: number[] }>('GET', `/processes/${seg(name)}/_pids`)).pids;
  }

  /** Signal a job (name) or one process (internal pid); names of signals are converted to numbers here. */
  async signalProcess(nameOrPid: string | number, signal: string | number): Promise<{ ok: true }> {
    return this.transport.call('POST', `/processes/${seg(String(nameOrPid))}/_signal/${parseSignal(signal)}`);
  }

  /** 0.4 job stats (`GET /stats/<name>`). */
  legacyStats(name: string): Promise<Record<string, unknown>> {
    return this.transport.call('GET', `/stats/${seg(name)}`);
  }

  // ------------------------------------------------------------ 0.5 API

  async sessions(): Promise<string[]> {
    return (await this.transport.call<{ sessions: string[] }>('GET', '/sessions')).sessions;
  }

  /** Full names of every job, or of one session's jobs (404 for an unknown session). */
  async jobs(sessionid?: string): Promise<string[]> {
    const path = sessionid === undefined ? '/jobs' : `/jobs/${seg(sessionid)}`;
    return (await this.transport.call<{ jobs: string[] }>('GET', path)).jobs;
  }

  /** Load a job into a session (`name` short, `start` default true on the server). */
  loadJob(sessionid: string, config: Record<string, unknown>): Promise<{ ok: true }> {
    return this.transport.call('POST', `/jobs/${seg(sessionid)}`, config);
  }

  jobInfo(sessionid: string, name: string): Promise<JobInfo> {
    return this.transport.call('GET', jobPath(sessionid, name));
  }

  updateJob(sessionid: string, name: string, config: Record<string, unknown>): Promise<{ ok: true }> {
    return this.transport.call('PUT', jobPath(sessionid, name), config);
  }

  unloadJob(sessionid: string, name: string): Promise<{ ok: true }> {
    return this.transport.call('DELETE', jobPath(sessionid, name));
  }

  jobStats(sessionid: string, name: string): Promise<JobStats> {
    return this.transport.call('GET', `${jobPath(sessionid, name)}/stats`);
  }

  /** Scale with `1`, `-1`, `"+2"`, `"=3"`...; resolves with the new target. */
  async scaleJob(sessionid: string, name: string, scale: string | number): Promise<number> {
    return (await this.transport.call<{ numprocesses: number }>('POST', `${jobPath(sessionid, name)}/numprocesses`, { scale })).numprocesses;
  }

  async signalJob(sessionid: string, name: string, signal: string | number): Promise<{ ok: true }> {
    return this.transport.call('POST', `${jobPath(sessionid, name)}/signal`, { signal: parseSignal(signal) });
  }

  /** Start (1), stop (0) or reload (2) a job. */
  setJobState(sessionid: string, name: string, state: 0 | 1 | 2): Promise<{ ok: true }> {
    return this.transport.call('POST', `${jobPath(sessionid, name)}/state`, String(state));
  }

  async jobPids(sessionid: string, name: string): Promise<number[]> {
    return (await this.transport.call<{ pids: number[] }>('GET', `${jobPath(sessionid, name)}/pids`)).pids;
  }

  /** Start a one-off process of a job; resolves with its internal pid. */
  async commitJob(sessionid: string, name: string, request: CommitRequest = {}): Promise<number> {
    return (await this.transport.call<{ pid: number }>('POST', `${jobPath(sessionid, name)}/commit`, request)).pid;
  }

  async pids(): Promise<number[]> {
    return (await this.transport.call<{ pids: number[] }>('GET', '/pids')).pids;
  }

  processInfo(pid: number | string): Promise<Record<string, unknown>> {
    return this.transport.call('GET', `/${seg(String(pid))}`);
  }

  stopPid(pid: number | string): Promise<{ ok: true }> {
    return this.transport.call('DELETE', `/${seg(String(pid))}`);
  }

  async signalPid(pid: number | string, signal: string | number): Promise<{ ok: true }> {
    return this.transport.call('POST', `/${seg(String(pid))}/signal`, { signal: parseSignal(signal) });
  }

  async processStats(pid: number | string): Promise<Record<string, unknown>> {
    return (await this.transport.call<{ stats: Record<string, unknown> }>('GET', `/${seg(String(pid))}/stats`)).stats;
  }

  /** Open the tail of a job's log file as a text stream (with `follow`, it stays open for what is appended). */
  openLogfile(sessionid: string, name: string, request: LogfileRequest = {}): Promise<IncomingMessage> {
    const query = new URLSearchParams({ stream: request.stream ?? 'stdout' });
    if (request.lines !== undefined) query.set('lines', String(request.lines));
    if (request.follow) query.set('follow', 'true');
    return this.transport.stream(`${jobPath(sessionid, name)}/logfile?${query.toString()}`);
  }

  /**
   * `GET /jobs/<sid>/<name>/output`: the last lines of a job's output history
   * (both streams unless `stream` is given), as text, then with `follow` every
   * new line. 404 `no_history` when the job keeps none.
   */
  openOutput(sessionid: string, name: string, request: { stream?: 'stdout' | 'stderr'; lines?: number; follow?: boolean } = {}): Promise<IncomingMessage> {
    const query = new URLSearchParams();
    if (request.stream) query.set('stream', request.stream);
    if (request.lines !== undefined) query.set('lines', String(request.lines));
    if (request.follow) query.set('follow', 'true');
    return this.transport.stream(`${jobPath(sessionid, name)}/output?${query.toString()}`);
  }

  /** The last lines of a job's log file, as text. */
  async tailLogfile(sessionid: string, name: string, request: Omit<LogfileRequest, 'follow'> = {}): Promise<string> {
    const res = await this.openLogfile(sessionid, name, request);
    res.setEncoding('utf8');
    let text = '';
    for await (const chunk of res) text += chunk as string;
    return text;
  }

  // ------------------------------------------------------------ 0.5 users and keys (auth.md)

  /**
   * `GET /auth` with HTTP Basic credentials: the key bound to the user (null
   * when none). Wrong credentials → UnauthorizedError; keys not required → NotFoundError.
   */
  async authenticate(username: string, password: string): Promise<string | null> {
    const basic = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    const reply = await this.transport.request('GET', '/auth', { headers: { Authorization: `Basic ${basic}` } });
    const body = decode(reply.body);
    if (reply.status >= 400) throw errorFromResponse('GET', '/auth', reply.status, body);
    return (body as AuthResponse).api_key ?? null;
  }

  /** Every key string (admin only). */
  async keys(): Promise<string[]> {
    return (await this.transport.call<{ keys: string[] }>('GET', '/keys')).keys;
  }

  getKey(key: string): Promise<KeyRecord> {
    return this.transport.call('GET', `/keys/${seg(key)}`);
  }

  /** Create a key; resolves with the new key. */
  async createKey(request: CreateKeyRequest): Promise<string> {
    return (await this.transport.call<CreateKeyResponse>('POST', '/keys', request)).api_key;
  }

  /** Delete a key and its sub-keys. */
  deleteKey(key: string): Promise<{ ok: true }> {
    return this.transport.call('DELETE', `/keys/${seg(key)}`);
  }

  /** Every username (admin only). */
  async users(): Promise<string[]> {
    return (await this.transport.call<{ users: string[] }>('GET', '/users')).users;
  }

  getUser(username: string): Promise<UserRecord> {
    return this.transport.call('GET', `/users/${seg(username)}`);
  }

  createUser(request: CreateUserRequest): Promise<{ ok: true }> {
    return this.transport.call('POST', '/users', request);
  }

  deleteUser(username: string): Promise<{ ok: true }> {
    return this.transport.call('DELETE', `/users/${seg(username)}`);
  }

  setUserPassword(username: string, password: string): Promise<{ ok: true }> {
    return this.transport.call('PUT', `/users/${seg(username)}/password`, { password });
  }

  setUserKey(username: string, key: string): Promise<{ ok: true }> {
    return this.transport.call('PUT', `/users/${seg(username)}/key`, { key });
  }
}

function jobPath(sessionid: string, name: string): string {
  return `/jobs/${seg(sessionid)}/${seg(name)}`;
}
