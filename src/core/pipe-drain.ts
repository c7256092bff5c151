// After a process exited, how long its output pipes are waited for (core/managed-process.ts):
// a pipe held by a consumer that is catching up (a log file on a slow disk) is waited for while
// output still moves, up to PIPE_DRAIN_MAX_MS; pipes kept open by a grandchild, or held by a
// consumer that takes nothing (an unread FIFO), are ended after PIPE_DRAIN_TIMEOUT_MS.

/** How long to wait, after the process exited, for its pipes to drain before giving up on them. */
export const PIPE_DRAIN_TIMEOUT_MS = 2000;
/** The longest wait for pipes held by a consumer that is still catching up. */
export const PIPE_DRAIN_MAX_MS = 30_000;

/**
 * Check every PIPE_DRAIN_TIMEOUT_MS: `end` is called once nothing holds the pipes, or nothing
 * was read since the last check, or the deadline passed. Returns the function that cancels it.
 */
export function watchPipeDrain(isHeld: () => boolean, bytesRead: () => number, end: () => void): () => void {
  const deadline = Date.now() + PIPE_DRAIN_MAX_MS;
  let readAtCheck = -1;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    if (readAtCheck !== -1 && (!isHeld() || bytesRead() === readAtCheck || Date.now() >= deadline)) {
      end();
      return;
    }
    readAtCheck = bytesRead();
    timer = setTimeout(check, PIPE_DRAIN_TIMEOUT_MS);
    timer.unref();
  };
  check();
  return () => { if (timer) clearTimeout(timer); };
}
