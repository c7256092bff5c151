// Crash loops on the dashboard: the state badge of a job and the line that
// says how its processes last exited. gafferd's job info members `state`
// (`backoff`), `restarts`, `last_exit` and `next_retry` are used when present;
// otherwise the exits this page saw (store.recordExit) stand in.
import { formatUptime } from './dom.js';
import { CRASH_LOOP_EXITS, CRASH_WINDOW_MS } from './store.js';

/**
 * Is the job stopped? gafferd's `state` says so when present (`stopped`, `idle`): `active` only
 * means "has processes", which a crash-looping job waiting to respawn has not.
 */
export function isStopped(job) {
  return job.state === undefined ? !job.active : job.state === 'stopped' || job.state === 'idle';
}

/** The badge: `{label, kind}` with kind running | stopped | flapping (crash loop). */
export function jobState(job, now = Date.now()) {
  if (job.state === 'backoff') return { label: 'backoff', kind: 'flapping' };
  if (isStopped(job)) return { label: 'stopped', kind: 'stopped' };
  if (job.nextRetry) return { label: 'crash loop', kind: 'flapping' };
  // A job that keeps failing is a crash loop also while a new process runs (between two backoffs):
  // the exits this page saw in the window say so, with or without gafferd's `restarts`.
  const recent = job.failuresSeen.filter((t) => now - t < CRASH_WINDOW_MS).length;
  if (recent >= CRASH_LOOP_EXITS) return { label: 'crash loop', kind: 'flapping' };
  return { label: 'running', kind: 'running' };
}

/** `Last exit: exit status 3 (process 12), 4s ago · 5 restarts · next retry in 2s`, or '' when nothing exited unexpectedly. */
export function crashSummary(job, now = Date.now()) {
  const last = job.lastExit ?? job.lastExitSeen;
  const restarts = job.restarts ?? job.exitsSeen;
  if (!last && !restarts) return '';
  const parts = [];
  if (last) {
    const how = last.term_signal ? `killed by signal ${last.term_signal}` : `exit status ${last.exit_status}`;
    const at = typeof last.time === 'number' ? (last.time < 1e11 ? last.time * 1000 : last.time) : Date.parse(last.time ?? '');
    parts.push(`Last exit: ${how} (process ${last.pid})${Number.isFinite(at) ? `, ${formatUptime(at / 1000, now)} ago` : ''}`);
  }
  parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
  if (job.nextRetry) {
    const at = Date.parse(job.nextRetry);
    parts.push(Number.isFinite(at) ? `next retry in ${formatUptime(now / 1000 - Math.max(0, at - now) / 1000, now)}` : `next retry ${job.nextRetry}`);
  }
  return parts.join(' · ');
}
