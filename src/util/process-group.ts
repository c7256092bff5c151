// Signalling a whole process group (every child of gafferd is a group leader), used by the core
// (stop, post-exit cleanup, probes) and by crash recovery.
import { hasLiveGroupMember } from './procfs.js';

/** What became of a signal sent to a group. */
export type GroupSignalResult = 'sent' | 'gone' | 'denied';

/**
 * Send `signal` to every process of group `pgid`: 'sent', 'gone' (no such group; also for
 * pgid <= 1, which would address init or every process) or 'denied' (EPERM).
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | number): GroupSignalResult {
  if (!Number.isInteger(pgid) || pgid <= 1) return 'gone';
  try {
    process.kill(-pgid, signal);
    return 'sent';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'gone';
  }
}

/**
 * After SIGKILL the members of a group vanish within milliseconds; wait for that, bounded (a member
 * stuck in uninterruptible sleep must not hold the caller forever). Zombies count as gone.
 */
export async function waitForGroupExit(pgid: number, limitMs = 1000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (signalProcessGroup(pgid, 0) !== 'sent') return;
    if (!(await hasLiveGroupMember(pgid)) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
