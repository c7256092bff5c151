// What happens after a kept process ended on its own: restart policy,
// crash-loop backoff and restart_delay (flapping is decided by FlapDetector).
import type { ExitStatus } from './managed-process.js';
import type { JobPolicy } from './job-policy.js';

/** A process that lived less than this is a fast failure: consecutive ones are respawned with backoff. */
export const MIN_UPTIME_MS = 1000;
/** First and longest delay of the built-in crash-loop backoff. */
export const BACKOFF_BASE_MS = 100;
export const BACKOFF_MAX_MS = 10_000;
/** Longest delay of the restart_delay backoff (or restart_delay itself when longer). */
export const RESTART_DELAY_CAP_MS = 60_000;

/** Should a process that ended on its own be replaced, under the job's restart policy? */
export function shouldRestart(policy: JobPolicy, status: ExitStatus, failure: string | undefined): boolean {
  if (failure) return policy.restart !== 'never';
  if (policy.restart === 'never') return false;
  if (policy.restart === 'on-failure') return status.termSignal !== 0 || !policy.successExitCodes.includes(status.exitStatus);
  return true;
}

/**
 * The failure streak after an unexpected end that came after `uptimeMs`: it
 * grows while processes die young (MIN_UPTIME, or the stable period of
 * restart_delay: 10 × restart_delay, at least 10 s) and resets otherwise.
 */
export function nextStreak(policy: JobPolicy, streak: number, uptimeMs: number): number {
  const young = policy.restartDelay > 0 ? uptimeMs < Math.max(10_000, policy.restartDelay * 10_000) : uptimeMs < MIN_UPTIME_MS;
  return young ? streak + 1 : 0;
}

/**
 * Delay before the replacement is spawned. With restart_delay: the delay,
 * doubled for each young death in a row, capped. Without: at once, then
 * 0.1 s doubling to 10 s once two processes in a row died young.
 */
export function respawnDelayMs(policy: JobPolicy, streak: number): number {
  if (policy.restartDelay > 0) {
    const base = policy.restartDelay * 1000;
    return Math.min(Math.max(RESTART_DELAY_CAP_MS, base), base * 2 ** Math.max(0, streak - 1));
  }
  if (streak < 2) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (streak - 2));
}
