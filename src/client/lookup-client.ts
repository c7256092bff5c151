// Queries one or several gaffer_lookupd servers and merges their answers,
// tolerating unreachable ones (used by `gaffer lookup:*`). Never imports core/.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BadRequestError, GafferError, gafferError } from '../errors.js';
import {
  LOOKUPD_FEED_PREFIX, lookupdHttpUrl, lookupdWebsocketUrl,
  type FindJobReply, type FindSessionReply, type IdentifiedNodeInfo, type JobEntry, type JobSource,
  type JobsReply, type LookupdEvent, type NodesReply, type SessionsReply,
} from '../protocol/lookupd.js';
import { parseJobName } from '../util/names.js';
import { loadWebSocket } from './load-ws.js';

export interface LookupClientOptions {
  /** Per-request timeout in ms (default 5000). */
  timeoutMs?: number;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
}

/** A lookupd that could not answer. */
export interface LookupFailure { address: string; error: Error }

/** A merged answer plus the lookupds that failed (the call throws only when all failed). */
export interface LookupResult<T> { result: T; failures: LookupFailure[] }

/** GET one lookupd route and parse its JSON; HTTP errors become GafferErrors with the server's reason. */
export function getLookupd<T>(address: string, path: string, options: LookupClientOptions = {}): Promise<T> {
  // Relative to the base so a lookupd behind a path prefix (`http://h/lookupd`) keeps it.
  const url = new URL(path.replace(/^\/+/, ''), `${lookupdHttpUrl(address)}/`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<T>((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, ...options.tls }, (res) => {
      readBody(res).then((text) => {
        const status = res.statusCode ?? 0;
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          if (status >= 200 && status < 300) reject(new Error(`lookupd ${address} answered ${path} with something that is not JSON`));
          else reject(new GafferError('GAFFER_ERR_LOOKUPD_HTTP', status, 'http_error', `lookupd ${address} answered ${path} with HTTP ${status}`));
          return;
        }
        if (status >= 200 && status < 300) resolve(body as T);
        else {
          const reason = String((body as { reason?: unknown }).reason ?? `http_${status}`);
          reject(new GafferError('GAFFER_ERR_LOOKUPD_HTTP', status, reason, `lookupd ${address} refused ${path}: ${reason} (HTTP ${status})`));
        }
      }, reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`lookupd ${address} did not answer ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Every identified node known to any lookupd, once per (name, origin). */
export async function lookupNodes(addresses: string[], options?: LookupClientOptions): Promise<LookupResult<NodesReply>> {
  return queryAll(addresses, '/nodes', options, (replies: NodesReply[]) => {
    const nodes = new Map<string, IdentifiedNodeInfo>();
    for (const reply of replies) for (const node of reply.nodes) if (!nodes.has(nodeKey(node))) nodes.set(nodeKey(node), node);
    return { nodes: [...nodes.values()] };
  });
}

/** Every job with one source per node. */
export async function lookupJobs(addresses: string[], options?: LookupClientOptions): Promise<LookupResult<JobsReply>> {
  return queryAll(addresses, '/jobs', options, mergeJobs);
}

/** The nodes running one job (`session.name` or a bare name). */
export async function lookupJob(addresses: string[], jobName: string, options?: LookupClientOptions): Promise<LookupResult<FindJobReply>> {
  return queryAll(addresses, `/findJob?name=${encodeURIComponent(jobName)}`, options,
    (replies: FindJobReply[]) => ({ sources: mergeSources(replies.map((r) => r.sources)) }));
}

/** The jobs of one session. */
export async function lookupSession(addresses: string[], sessionid: string, options?: LookupClientOptions): Promise<LookupResult<FindSessionReply>> {
  return queryAll(addresses, `/findSession?sessionid=${encodeURIComponent(sessionid)}`, options, mergeJobs);
}

/** Sessions with their jobs, optionally of the nodes named `nodeName`. */
export async function lookupSessions(addresses: string[], nodeName?: string, options?: LookupClientOptions): Promise<LookupResult<SessionsReply>> {
  const path = nodeName === undefined ? '/sessions' : `/sessions/${encodeURIComponent(nodeName)}`;
  return queryAll(addresses, path, options, (replies: SessionsReply[]) => {
    const sessions = new Map<string, Map<string, JobEntry>>();
    for (const reply of replies) {
      for (const session of reply.sessions) {
        const jobs = sessions.get(session.sessionid) ?? new Map<string, JobEntry>();
        sessions.set(session.sessionid, jobs);
        for (const [name, sources] of Object.entries(session.jobs)) addJob(jobs, { name, sources });
      }
    }
    const list = [...sessions].map(([sessionid, jobs]) => ({
      sessionid, jobs: Object.fromEntries([...jobs.values()].map((j) => [j.name, j.sources])),
    }));
    return { nb_sessions: list.length, sessions: list };
  });
}

/** A live subscription to a lookupd event feed. */
export interface LookupFeed { close(): Promise<void> }

/**
 * Follow the `/lookup` event feed of one lookupd over its raw websocket,
 * pinging every 15 s. `onClose` receives the error when the feed ends
 * unexpectedly. Resolves once connected.
 */
export async function followLookupd(address: string, onEvent: (event: LookupdEvent) => void,
  options: LookupClientOptions & { onClose?: (err?: Error) => void; pingIntervalMs?: number } = {}): Promise<LookupFeed> {
  const WS = await loadWebSocket();
  const url = lookupdWebsocketUrl(address, `${LOOKUPD_FEED_PREFIX}/websocket`);
  const ws = new WS(url, { ...options.tls, handshakeTimeout: options.timeoutMs ?? 5000 });
  let closing = false;
  const pinger = setInterval(() => { if (ws.readyState === WS.OPEN) ws.ping(); }, options.pingIntervalMs ?? 15_000);
  pinger.unref();
  const closed = new Promise<void>((resolve) => ws.once('close', () => {
    clearInterval(pinger);
    resolve();
  }));
  ws.on('message', (data) => {
    try {
      onEvent(JSON.parse(String(data)) as LookupdEvent);
    } catch { /* a frame that is not an event: nothing to show */ }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.on('error', (err) => { if (!closing) options.onClose?.(err); });
      ws.once('close', () => { if (!closing) options.onClose?.(); });
      resolve({
        close: () => {
          closing = true;
          if (ws.readyState !== WS.CLOSED) ws.close(1000);
          return closed;
        },
      });
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WS.OPEN) {
        clearInterval(pinger);
        reject(new Error(`cannot follow lookupd ${address}: ${err.message}`, { cause: err }));
      }
    });
  });
}

// Ask every lookupd in parallel; merge the answers of those that replied.
async function queryAll<R, T>(addresses: string[], path: string, options: LookupClientOptions | undefined, merge: (replies: R[]) => T): Promise<LookupResult<T>> {
  const unique = [...new Set(addresses)];
  if (unique.length === 0) throw new BadRequestError('missing_lookupd', 'no lookupd address given: pass -L http://host:5010 (repeatable)');
  const settled = await Promise.allSettled(unique.map((a) => getLookupd<R>(a, path, options)));
  const replies: R[] = [];
  const failures: LookupFailure[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') replies.push(s.value);
    else failures.push({ address: unique[i]!, error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) });
  });
  if (replies.length === 0) {
    const first = failures[0]!.error;
    if (first instanceof GafferError && failures.length === 1) throw first;
    throw gafferError('GAFFER_ERR_LOOKUPD_UNREACHABLE', `no lookupd answered ${path}: ${failures.map((f) => `${f.address} (${f.error.message})`).join('; ')}`, { cause: first });
  }
  return { result: merge(replies), failures };
}

function mergeJobs(replies: JobsReply[]): JobsReply {
  const jobs = new Map<string, JobEntry>();
  for (const reply of replies) for (const job of reply.jobs) addJob(jobs, job);
  const list = [...jobs.values()];
  return { nb_jobs: list.length, jobs: list };
}

// Merge a job into `jobs` under its canonical `session.name`, sources deduplicated by node.
function addJob(jobs: Map<string, JobEntry>, job: JobEntry): void {
  const d = parseJobName(job.name);
  const key = `${d.sessionid}.${d.name}`;
  const known = jobs.get(key);
  if (known) known.sources = mergeSources([known.sources, job.sources]);
  else jobs.set(key, { name: job.name, sources: mergeSources([job.sources]) });
}

// One source per (name, origin); pids of duplicates are united.
function mergeSources(lists: JobSource[][]): JobSource[] {
  const sources = new Map<string, JobSource>();
  for (const list of lists) {
    for (const source of list) {
      const key = nodeKey(source.node_info);
      const known = sources.get(key);
      if (!known) sources.set(key, { ...source, pids: [...source.pids] });
      else for (const pid of source.pids) if (!known.pids.includes(pid)) known.pids.push(pid);
    }
  }
  return [...sources.values()];
}

function nodeKey(node: IdentifiedNodeInfo): string {
  return JSON.stringify([node.name, node.origin]);
}

function readBody(res: IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) res.destroy(new Error(`lookupd answer larger than ${limit} bytes`));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
