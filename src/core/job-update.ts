// Building a Job from a load request and applying a new config to a loaded
// one (the parts of `load` and `update` that are about the job's settings).
import { ConflictError } from '../errors.js';
import { DEFAULT_SESSION, fullName, parseJobName, validateSessionId } from '../util/names.js';
import { resolveGid, resolveUid } from '../util/users.js';
import { findCycle } from './dependencies.js';
import { FlapDetector } from './flapping.js';
import { Job, type JobIdentity } from './job.js';
import { normalizeJobConfig, requiresRestart, type JobConfig } from './job-config.js';
import { JobLogs, logSettings } from './job-logs.js';
import { parseJobPolicy } from './job-policy.js';
import type { Logger } from '../util/logger.js';
import { OutputHistory, parseOutputHistory } from './output-history.js';

export interface LoadOptions {
  /** Session for a short name (default: from the designation, else `default`). */
  sessionid?: string;
  /** Extra environment layered over the job env. */
  env?: Record<string, string>;
  /** Start the job now (default true). */
  start?: boolean;
  /** Environment of one instance (slot 1, 2, ... of the kept processes), layered over `env`. */
  instanceEnv?: (slot: number) => Record<string, string>;
}

/** A new Job from a load request (not registered yet), and whether to start it; 409 when the name is taken. */
export function createJob(input: unknown, options: LoadOptions, loadOrder: number, logger: Logger, isLoaded: (sessionid: string, name: string) => boolean): { job: Job; start: boolean } {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const designation = typeof raw.name === 'string' ? parseJobName(raw.name, options.sessionid ?? DEFAULT_SESSION) : undefined;
  const sessionid = validateSessionId(designation?.sessionid ?? options.sessionid ?? DEFAULT_SESSION);
  const config = normalizeJobConfig(designation ? { ...raw, name: designation.name } : raw);
  const start = options.start ?? (raw.start === undefined ? true : Boolean(raw.start));
  if (isLoaded(sessionid, config.name)) {
    throw new ConflictError('conflict', `job '${fullName(sessionid, config.name)}' is already loaded; unload it first or update it`);
  }
  const job = new Job(sessionid, config, resolveIdentity(config), { ...options.env }, loadOrder);
  job.instanceEnv = options.instanceEnv;
  job.logs = jobLogs(job, logger);
  job.history = jobHistory(job.config);
  return { job, start };
}

/** What an update changed: whether the processes must be replaced, and how to put the old settings back. */
export interface JobChange {
  restart: boolean;
  /** Computed now, called if a rolling replacement fails: the old processes keep their config for their respawns. */
  restorePrevious(): () => void;
}

/** Apply a new config (and load env) to a job; the target becomes max(new numprocesses, current). */
export function applyJobUpdate(job: Job, raw: Record<string, unknown>, options: LoadOptions, logger: Logger): JobChange {
  const config = normalizeJobConfig({ ...raw, name: job.name });
  const identity = resolveIdentity(config);
  const before = job.config;
  const beforeEnv = job.loadEnv;
  const envChanged = options.env !== undefined && JSON.stringify(options.env) !== JSON.stringify(job.loadEnv);
  if (JSON.stringify(logSettings(before)) !== JSON.stringify(logSettings(config))) {
    const old = job.logs;
    job.logs = undefined;
    void old?.close();
  }
  job.config = config;
  job.logs ??= jobLogs(job, logger);
  // A changed bound starts a new history; an unchanged one keeps what was recorded.
  const history = historyLimits(config);
  if (JSON.stringify(history) !== JSON.stringify(job.history?.limits)) job.history = history ? new OutputHistory(history) : undefined;
  job.policy = parseJobPolicy(config);
  job.identity = identity;
  if (options.env !== undefined) job.loadEnv = { ...options.env };
  if (JSON.stringify(before.flapping) !== JSON.stringify(config.flapping)) {
    job.flapping = config.flapping ? new FlapDetector(config.flapping) : undefined;
  }
  job.numprocesses = Math.max(config.numprocesses, job.numprocesses);
  if (options.start) job.resume();
  return {
    restart: requiresRestart(before, config) || envChanged,
    restorePrevious: () => {
      const previous = { config: before, policy: parseJobPolicy(before), identity: resolveIdentity(before), env: beforeEnv };
      return () => {
        job.config = previous.config;
        job.policy = previous.policy;
        job.identity = previous.identity;
        job.loadEnv = previous.env;
      };
    },
  };
}

/** `job -> jobs it depends on` over full names. */
export function dependencyGraph(jobs: readonly Job[]): Map<string, string[]> {
  return new Map(jobs.map((j) => [j.fullName, j.dependencies]));
}

/** The dependency cycle that adding `job` to `jobs` would make, if any. */
export function findCycleWith(jobs: readonly Job[], job: Job): string[] | undefined {
  return findCycle(dependencyGraph([...jobs, job])) ?? undefined;
}

function resolveIdentity(config: JobConfig): JobIdentity {
  return {
    uid: config.uid === null ? undefined : resolveUid(config.uid),
    gid: config.gid === null ? undefined : resolveGid(config.gid),
  };
}

function jobLogs(job: Job, logger: Logger): JobLogs | undefined {
  const settings = logSettings(job.config);
  return settings ? new JobLogs(settings, job.sessionid, job.name, logger) : undefined;
}

// The job's output history (on by default; `output_history = 0` turns it off). A `detach` job has
// none unless it asks: a pipe to gafferd would kill it (SIGPIPE/EPIPE) at its first write after
// gafferd is gone, and surviving gafferd is what `detach` is for.
function jobHistory(config: JobConfig): OutputHistory | undefined {
  const limits = historyLimits(config);
  return limits ? new OutputHistory(limits) : undefined;
}

function historyLimits(config: JobConfig): ReturnType<typeof parseOutputHistory> {
  if (config.detach && (config.output_history === undefined || config.output_history === null)) return undefined;
  return parseOutputHistory(config.output_history);
}
