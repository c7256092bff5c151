// The unit every configuration source produces (gafferd INI job sections,
// Procfile types): a normalized job config, its session, and whether to start
// it at load time; plus the load order and the reload diff over such lists.
import type { JobConfig } from '../core/job-config.js';
import { fullName } from '../util/names.js';

/** A job to load: `config` is normalized by core's normalizeJobConfig. */
export interface ConfiguredJob {
  sessionid: string;
  /** `session.name` */
  fullName: string;
  config: JobConfig;
  /** Start at load time (`start` key / not `--nostart`); not part of the stored config. */
  start: boolean;
}

/** Build a ConfiguredJob from a normalized config. */
export function configuredJob(sessionid: string, config: JobConfig, start: boolean): ConfiguredJob {
  return { sessionid, fullName: fullName(sessionid, config.name), config, start };
}

/** Stable sort by ascending `priority`; jobs without one come last, keeping their order. */
export function sortByPriority<T extends ConfiguredJob>(jobs: readonly T[]): T[] {
  const rank = (job: T): number => (typeof job.config.priority === 'number' ? job.config.priority : Number.POSITIVE_INFINITY);
  return jobs
    .map((job, index) => ({ job, index }))
    .sort((a, b) => rank(a.job) - rank(b.job) || a.index - b.index)
    .map(({ job }) => job);
}

export interface JobDiff {
  /** Full names only in `after`, in `after` order. */
  added: string[];
  /** Full names only in `before`, in `before` order. */
  removed: string[];
  /** Full names in both whose normalized configs differ, in `after` order. */
  changed: string[];
  /** Full names in both with equal configs, in `after` order. */
  unchanged: string[];
}

/**
 * Compare two job lists by full name for a SIGHUP reload. Configs are
 * compared member by member regardless of key order; `start` is a load-time
 * flag and is not compared.
 */
export function diffJobs(before: readonly ConfiguredJob[], after: readonly ConfiguredJob[]): JobDiff {
  const old = new Map(before.map((job) => [job.fullName, job]));
  const names = new Set(after.map((job) => job.fullName));
  const diff: JobDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const job of after) {
    const previous = old.get(job.fullName);
    if (!previous) diff.added.push(job.fullName);
    else if (canonicalJSON(previous.config) === canonicalJSON(job.config)) diff.unchanged.push(job.fullName);
    else diff.changed.push(job.fullName);
  }
  for (const job of before) if (!names.has(job.fullName)) diff.removed.push(job.fullName);
  return diff;
}

// JSON with object keys sorted, so equal configs compare equal whatever their key order.
function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
