// The cluster directory: connected nodes, their sessions, jobs and pids, with
// the rules of lookupd.md (identify once, unique (name, origin), a job at
// most once per node). Every change is published on `events` for the feed.
import { EventBus } from '../util/event-bus.js';
import type { Logger } from '../util/logger.js';
import type { LookupdEvent, NodeVersion } from '../protocol/lookupd.js';
import {
  alreadyIdentified, identityExists, jobAlreadyRegistered, jobNotFound, notIdentified, tooManyJobs, tooManyPids,
} from './protocol-errors.js';
import { DEFAULT_LOOKUPD_LIMITS } from './limits.js';
import { RemoteNode } from './remote-node.js';
import {
  findJobSources, listJobs, listNodes, listSessions, type RegistryView,
} from './registry-views.js';
import type {
  FindJobReply, FindSessionReply, JobsReply, NodesReply, SessionsReply,
} from '../protocol/lookupd.js';

export interface RegistryOptions {
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
  /** Jobs one node may register (default 1000). */
  maxJobsPerNode?: number;
  /** Pids one node may register over all its jobs (default 10000). */
  maxPidsPerNode?: number;
}

/** Nodes in connection order, with their registrations; the single source of truth of a lookupd. */
export class Registry implements RegistryView {
  /** Registry events (`add_node`, `identify`, ...), payloads as sent on the feed. */
  readonly events: EventBus;
  readonly #nodes = new Map<number, RemoteNode>();
  readonly #now: () => number;
  readonly #maxJobs: number;
  readonly #maxPids: number;
  #nextId = 1;

  constructor(options: RegistryOptions = {}) {
    this.events = new EventBus({ logger: options.logger });
    this.#now = options.now ?? Date.now;
    this.#maxJobs = options.maxJobsPerNode ?? DEFAULT_LOOKUPD_LIMITS.maxJobsPerNode;
    this.#maxPids = options.maxPidsPerNode ?? DEFAULT_LOOKUPD_LIMITS.maxPidsPerNode;
  }

  /** Connected nodes, identified or not, in connection order. */
  get nodes(): Iterable<RemoteNode> {
    return this.#nodes.values();
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** A websocket connected: create its (unidentified) node. */
  addNode(): RemoteNode {
    const node = new RemoteNode(this.#nextId++, this.#now());
    this.#nodes.set(node.id, node);
    this.#publish({ event: 'add_node', ...node.info() } as LookupdEvent);
    return node;
  }

  /** A websocket went away: drop the node and everything it registered (only `remove_node` is emitted). */
  removeNode(node: RemoteNode): void {
    if (!this.#nodes.delete(node.id)) return;
    this.#publish({ event: 'remove_node', ...node.info() } as LookupdEvent);
  }

  /** Record the last message time of a node (PING and every other message). */
  touch(node: RemoteNode): void {
    node.updated = this.#now();
  }

  identify(node: RemoteNode, name: string, origin: string, version: NodeVersion): void {
    if (node.name !== null) throw alreadyIdentified(node.name);
    for (const other of this.#nodes.values()) {
      if (other !== node && other.name === name && other.origin === origin) throw identityExists(name, origin);
    }
    node.name = name;
    node.origin = origin;
    node.version = version;
    this.#publish({ event: 'identify', name, origin, version });
  }

  registerJob(node: RemoteNode, jobName: string): void {
    const nodeName = this.#identifiedName(node, 'REGISTER_JOB');
    if (node.findJob(jobName)) throw jobAlreadyRegistered(nodeName, jobName);
    if (node.jobCount >= this.#maxJobs) throw tooManyJobs(nodeName, this.#maxJobs);
    node.addJob(jobName);
    this.#publish({ event: 'add_job', node: node.identifiedInfo(), job_name: jobName });
  }

  /** Remove a job and its pids; an unknown job is not an error. */
  unregisterJob(node: RemoteNode, jobName: string): void {
    this.#identifiedName(node, 'UNREGISTER_JOB');
    const job = node.findJob(jobName);
    if (!job) return;
    node.removeJob(job);
    this.#publish({ event: 'remove_job', node: node.identifiedInfo(), job_name: job.jobName });
  }

  /** Add a pid to a registered job; registering a known pid again changes nothing. */
  registerProcess(node: RemoteNode, jobName: string, pid: number): void {
    const nodeName = this.#identifiedName(node, 'REGISTER_PROCESS');
    const job = node.findJob(jobName);
    if (!job) throw jobNotFound(nodeName, jobName);
    if (job.pids.has(pid)) return;
    if (node.pidCount >= this.#maxPids) throw tooManyPids(nodeName, this.#maxPids);
    job.pids.add(pid);
    node.pidCount += 1;
    this.#publish({ event: 'add_process', node: node.identifiedInfo(), job_name: job.jobName, pid });
  }

  /** Remove a pid; an unknown pid is not an error (and emits nothing). */
  unregisterProcess(node: RemoteNode, jobName: string, pid: number): void {
    const nodeName = this.#identifiedName(node, 'UNREGISTER_PROCESS');
    const job = node.findJob(jobName);
    if (!job) throw jobNotFound(nodeName, jobName);
    if (!job.pids.delete(pid)) return;
    node.pidCount -= 1;
    this.#publish({ event: 'remove_process', node: node.identifiedInfo(), job_name: job.jobName, pid });
  }

  // ---------------------------------------------------------------- queries

  nodesReply(): NodesReply {
    return listNodes(this);
  }

  sessionsReply(nodeName?: string): SessionsReply {
    return listSessions(this, nodeName);
  }

  jobsReply(): JobsReply {
    return listJobs(this);
  }

  findJobReply(jobName: string): FindJobReply {
    return { sources: findJobSources(this, jobName) };
  }

  findSessionReply(sessionid: string): FindSessionReply {
    return listJobs(this, sessionid);
  }

  /** Forget every node without events (server shutdown) and stop the event bus. */
  close(): void {
    this.#nodes.clear();
    this.events.close();
  }

  #identifiedName(node: RemoteNode, type: string): string {
    if (node.name === null) throw notIdentified(type);
    return node.name;
  }

  #publish(event: LookupdEvent): void {
    const { event: type, ...payload } = event;
    this.events.publish(type, payload);
  }
}
