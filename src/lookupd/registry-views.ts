// Read-only views of the directory in the JSON shapes of the HTTP API:
// nodes in connection order, then sessions/jobs in registration order.
import type {
  JobEntry, JobSource, JobsReply, NodesReply, SessionEntry, SessionsReply,
} from '../protocol/lookupd.js';
import { jobKeyOf, type RemoteNode } from './remote-node.js';

/** What the views need from the registry. */
export interface RegistryView {
  readonly nodes: Iterable<RemoteNode>;
}

/** `{nodes: [...]}`: identified nodes only. */
export function listNodes(view: RegistryView): NodesReply {
  const nodes = [];
  for (const node of view.nodes) if (node.isIdentified) nodes.push(node.identifiedInfo());
  return { nodes };
}

/** `{nb_sessions, sessions}`, optionally restricted to the nodes named `nodeName`. */
export function listSessions(view: RegistryView, nodeName?: string): SessionsReply {
  const sessions = new Map<string, Map<string, JobEntry>>();
  for (const node of view.nodes) {
    if (!node.isIdentified || (nodeName !== undefined && node.name !== nodeName)) continue;
    for (const [sessionid, jobs] of node.sessions) {
      let merged = sessions.get(sessionid);
      if (!merged) {
        merged = new Map();
        sessions.set(sessionid, merged);
      }
      for (const job of jobs.values()) addSource(merged, job.key, job.jobName, node.sourceOf(job));
    }
  }
  const list: SessionEntry[] = [];
  for (const [sessionid, jobs] of sessions) {
    const entry: SessionEntry = { sessionid, jobs: {} };
    for (const job of jobs.values()) entry.jobs[job.name] = job.sources;
    list.push(entry);
  }
  return { nb_sessions: list.length, sessions: list };
}

/** `{nb_jobs, jobs}`: every job, or the jobs of one session (`/findSession`). */
export function listJobs(view: RegistryView, sessionid?: string): JobsReply {
  const jobs = new Map<string, JobEntry>();
  for (const node of view.nodes) {
    if (!node.isIdentified) continue;
    const sessions = sessionid === undefined ? [...node.sessions.values()] : [node.sessions.get(sessionid)];
    for (const session of sessions) {
      if (!session) continue;
      for (const job of session.values()) addSource(jobs, job.key, job.jobName, node.sourceOf(job));
    }
  }
  const list = [...jobs.values()];
  return { nb_jobs: list.length, jobs: list };
}

/** One source per node running the job designated by `jobName` (`session.name` or a bare name). */
export function findJobSources(view: RegistryView, jobName: string): JobSource[] {
  const { sessionid, key } = jobKeyOf(jobName);
  const sources: JobSource[] = [];
  for (const node of view.nodes) {
    const job = node.sessions.get(sessionid)?.get(key);
    if (job && node.isIdentified) sources.push(node.sourceOf(job));
  }
  return sources;
}

// The first registration of a job names it; later nodes add sources.
function addSource(into: Map<string, JobEntry>, key: string, jobName: string, source: JobSource): void {
  const entry = into.get(key);
  if (entry) entry.sources.push(source);
  else into.set(key, { name: jobName, sources: [source] });
}
