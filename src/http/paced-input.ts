// Websocket writers to a process's stdin (`/wstreams/<pid>`, `/<pid>/channel`)
// get backpressure instead of errors: while the process has more unread input
// than its limit, the socket is paused (the client's sends block in TCP), and
// it resumes once the process has read it. Messages stay in order.
import type { WebSocket } from 'ws';
import type { ManagedProcess } from '../core/managed-process.js';

/** Queue one message for the process's input; `write` runs once there is room, and its promise is handed to `settled`. */
export type PacedWrite = (data: Buffer, settled: (result: Promise<void>) => void) => void;

/**
 * A writer for one socket and one process input. While it waits for room it
 * pauses the socket, so what it holds is bounded by what the socket had already
 * received when paused.
 */
export function pacedInput(ws: WebSocket, proc: ManagedProcess, write: (data: Buffer) => Promise<void>, stream?: string): PacedWrite {
  let chain: Promise<void> = Promise.resolve();
  return (data, settled) => {
    chain = chain.then(async () => {
      // Another writer (HTTP, channel) may fill the queue again between drain and write: wait again.
      while (isFull(proc, data.length, stream)) {
        if (ws.readyState !== ws.OPEN) break;
        ws.pause();
        await proc.inputDrained(stream);
      }
      if (ws.isPaused) ws.resume();
      settled(Promise.resolve().then(() => write(data)));
    });
  };
}

function isFull(proc: ManagedProcess, size: number, stream: string | undefined): boolean {
  try {
    return proc.isInputFull(size, stream);
  } catch {
    return false; // a stream that cannot be written: the write itself reports it
  }
}
