// One gafferd node as the directory sees it: its identity and the jobs and
// pids it registered, grouped by session in registration order.
import type { IdentifiedNodeInfo, JobSource, NodeInfo, NodeVersion } from '../protocol/lookupd.js';
import { parseJobName } from '../util/names.js';

/** A job registered by one node. */
export interface RemoteJob {
  /** The job name exactly as registered (`myapp.web`, or `web`). */
  readonly jobName: string;
  readonly sessionid: string;
  /** Canonical `session.name`: two spellings of one job share it. */
  readonly key: string;
  readonly pids: Set<number>;
}

/** Split a registered job name into its session and canonical key (README naming rule). */
export function jobKeyOf(jobName: string): { sessionid: string; key: string } {
  const d = parseJobName(jobName);
  return { sessionid: d.sessionid, key: `${d.sessionid}.${d.name}` };
}

/** A websocket connection of a gafferd node; mutated only by the Registry. */
export class RemoteNode {
  /** Connection order: the n-th connection accepted by this lookupd. */
  readonly id: number;
  name: string | null = null;
  origin: string | null = null;
  /** What IDENTIFY announced (any JSON value); null before it. */
  version: NodeVersion = null;
  /** Time of the last message received (ms since epoch). */
  updated: number;
  /** Pids registered over all jobs (kept by the Registry, for the per-node bound). */
  pidCount = 0;
  /** sessionid -> canonical key -> job, both in registration order. */
  readonly sessions = new Map<string, Map<string, RemoteJob>>();

  constructor(id: number, now = Date.now()) {
    this.id = id;
    this.updated = now;
  }

  get isIdentified(): boolean {
    return this.name !== null;
  }

  /** `{name, origin, version}`, null members before IDENTIFY. */
  info(): NodeInfo {
    return { name: this.name, origin: this.origin, version: this.version };
  }

  /** Node info of an identified node (callers check `isIdentified`). */
  identifiedInfo(): IdentifiedNodeInfo {
    return { name: this.name ?? '', origin: this.origin ?? '', version: this.version };
  }

  /** A display label for log lines. */
  get label(): string {
    return this.name === null ? `unidentified connection #${this.id}` : `'${this.name}' (${this.origin})`;
  }

  /** The job registered under any spelling of `jobName`, if any. */
  findJob(jobName: string): RemoteJob | undefined {
    const { sessionid, key } = jobKeyOf(jobName);
    return this.sessions.get(sessionid)?.get(key);
  }

  addJob(jobName: string): RemoteJob {
    const { sessionid, key } = jobKeyOf(jobName);
    const job: RemoteJob = { jobName, sessionid, key, pids: new Set() };
    let session = this.sessions.get(sessionid);
    if (!session) {
      session = new Map();
      this.sessions.set(sessionid, session);
    }
    session.set(key, job);
    return job;
  }

  removeJob(job: RemoteJob): void {
    const session = this.sessions.get(job.sessionid);
    if (!session) return;
    if (session.delete(job.key)) this.pidCount -= job.pids.size;
    if (session.size === 0) this.sessions.delete(job.sessionid);
  }

  /** Number of registered jobs. */
  get jobCount(): number {
    let n = 0;
    for (const session of this.sessions.values()) n += session.size;
    return n;
  }

  /** Every job, session by session. */
  *jobs(): IterableIterator<RemoteJob> {
    for (const session of this.sessions.values()) yield* session.values();
  }

  /** This node as a source of `job`. */
  sourceOf(job: RemoteJob): JobSource {
    const info = this.identifiedInfo();
    return { name: info.name, pids: [...job.pids], node_info: info };
  }
}
