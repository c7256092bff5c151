// How the CLIs show a failing job (gaffer ps, gafferctl list/status): the
// failure members of the job views (docs/http-api.md §10) as one line.

/** The failure members of the 0.5 job info (absent from older gafferds). */
export interface JobFailure {
  state?: string;
  restarts?: number;
  last_exit?: { pid: number; os_pid: number | null; exit_status: number | null; term_signal: number | null; time: string } | null;
  next_retry?: string | null;
  spawn_error?: string | null;
}

/** True when the job is failing now: waiting to respawn, or its last spawn failed. */
export function isFailing(info: JobFailure): boolean {
  return info.state === 'backoff' || Boolean(info.spawn_error);
}

/** True when the job has failed since load (failing now, or an unexpected exit / restarts on record). */
export function hasFailed(info: JobFailure): boolean {
  return isFailing(info) || Boolean(info.last_exit) || (info.restarts ?? 0) > 0;
}

/** `State: backoff, 3 restarts, last exit: status 1 (pid 7, os pid 4242) 5s ago, next retry in 1.6s`. */
export function failureLine(info: JobFailure, now: number): string {
  const parts = [`State: ${info.state ?? 'unknown'}`, `${info.restarts ?? 0} restart${info.restarts === 1 ? '' : 's'}`];
  const last = info.last_exit;
  if (last) parts.push(`last exit: ${lastExitText(info)} (pid ${last.pid}, os pid ${last.os_pid ?? '?'}) ${formatAgo(now - Date.parse(last.time))}`);
  if (info.next_retry) parts.push(`next retry ${nextRetryText(info, now)}`);
  if (info.spawn_error) parts.push(`spawn error: ${info.spawn_error}`);
  return parts.join(', ');
}

/** Seconds as `[[d-]h:]mm:ss` (ps's elapsed time). */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const [d, h, m, sec] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}-${two(h)}:${two(m)}:${two(sec)}`;
  if (h > 0) return `${h}:${two(m)}:${two(sec)}`;
  return `${two(m)}:${two(sec)}`;
}

function formatAgo(ms: number): string {
  return Number.isFinite(ms) ? `${formatUptime(ms / 1000)} ago` : 'at an unknown time';
}


/** `status 1`, `signal 9`, or `-` without an unexpected exit. */
export function lastExitText(info: JobFailure): string {
  const last = info.last_exit;
  if (!last) return '-';
  return last.term_signal ? `signal ${last.term_signal}` : `status ${last.exit_status ?? '?'}`;
}

/** `in 1.6s`, or `-` when no respawn is pending. */
export function nextRetryText(info: JobFailure, now: number): string {
  return info.next_retry ? `in ${Math.max(0, (Date.parse(info.next_retry) - now) / 1000).toFixed(1)}s` : '-';
}
