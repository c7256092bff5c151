// 0.4 `ws://HOST/wstreams/<pid>`: every client message goes to the process
// stdin; the output of its first redirect_output label comes back as text
// messages (what was read during one turn of the event loop, or during a flood
// one batch of them, in one message; valid UTF-8 passed on as bytes, never
// decoded into strings). The socket closes when the process exits, after the
// last of its output. Input is paced: while the process has not read its
// pending input, the socket is paused.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { toWireError } from '../errors.js';
import type { ManagedProcess } from '../core/managed-process.js';
import { BatchTimer } from '../httpkit/batch-timer.js';
import type { UpgradeRouter } from '../httpkit/upgrade.js';
import { AUTH_REQUIRED, parseAuthMessage, type KeyInfo } from '../protocol/auth.js';
import { Utf8Chunker } from '../util/utf8.js';
import { authenticateSocket } from './permissions.js';
import { pacedInput } from './paced-input.js';
import type { RouteDeps } from './route-support.js';
import { WS_ERROR_CLOSE_CODE, closeOnExit, sendBounded } from './ws-support.js';

/** Register the `/wstreams/<pid>` websocket endpoint. */
export function registerWstreams(upgrades: UpgradeRouter, deps: RouteDeps): void {
  upgrades.addWebSocket('/wstreams/:pid', (ws, req, match) => {
    // With keys required the first message must be `AUTH:<key>` of a key that may write to the job.
    authenticateSocket(ws, deps.auth, {
      keyOf: (message) => parseAuthMessage(message.toString('utf8')),
      acknowledge: () => {},
      refuse: () => closeWithError(ws, AUTH_REQUIRED),
      open: (caller) => openWstream(ws, req, match.params.pid!, deps, caller),
    });
  });
}

// Validate the pid and the caller's write right, then wire stdin and output for the life of the process.
function openWstream(ws: WebSocket, _req: IncomingMessage, pidText: string, deps: RouteDeps, caller: KeyInfo): ((message: Buffer) => void) | undefined {
  const manager = deps.manager();
  let proc: ManagedProcess;
  try {
    proc = manager.getProcess(pidText);
  } catch (err) {
    closeWithError(ws, toWireError(err).reason);
    return undefined;
  }
  if (deps.auth && !deps.auth.can(caller, 'write', proc.name)) {
    closeWithError(ws, 'forbidden');
    return undefined;
  }
  if (!proc.redirectInput) {
    closeWithError(ws, 'forbidden_write');
    return undefined;
  }
  const label = proc.redirectOutput.find((l) => l !== '');
  const output = new OutputBatcher((text) => sendBounded(ws, text, deps.limits.wsBuffer, deps.logger, `wstreams ${proc.pid}`, { binary: false }));
  const unsubscribe = label === undefined ? () => {} : manager.monitorIo(proc.pid, label, (chunk) => output.add(chunk.data));
  ws.once('close', () => {
    unsubscribe();
    output.discard();
  });
  closeOnExit(ws, proc.exited.then(() => output.end()));
  const write = pacedInput(ws, proc, (data) => manager.send(proc.pid, data));
  return (message) => {
    write(message, (result) => result.catch((err: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error: toWireError(err, 'GAFFER_ERR_WRITE_FAILED').reason }));
    }));
  };
}

function closeWithError(ws: WebSocket, reason: string): void {
  ws.send(JSON.stringify({ error: reason }));
  ws.close(WS_ERROR_CLOSE_CODE, reason);
}

// Output bytes → text messages, each valid UTF-8: one per turn of the event loop, and during a flood one
// per BURST_INTERVAL_MS (batch-timer.ts), checked as UTF-8 once per message rather than once per read.
class OutputBatcher {
  readonly #utf8 = new Utf8Chunker();
  readonly #send: (text: Buffer) => void;
  readonly #timer = new BatchTimer(() => this.flush());
  #batch: Buffer[] = [];
  #bytes = 0;

  constructor(send: (text: Buffer) => void) {
    this.#send = send;
  }

  add(data: Buffer): void {
    if (data.length === 0) return;
    this.#batch.push(data);
    this.#bytes += data.length;
    this.#timer.schedule(this.#bytes);
  }

  flush(): void {
    this.#timer.flushed();
    const text = this.#take();
    if (text.length > 0) this.#send(text);
  }

  /** The output is over: send what is left (a character left unfinished as U+FFFD). */
  end(): void {
    this.#timer.flushed();
    const text = this.#take();
    const rest = this.#utf8.end();
    const last = rest.length === 0 ? text : text.length === 0 ? rest : Buffer.concat([text, rest]);
    if (last.length > 0) this.#send(last);
  }

  // What was gathered, as valid UTF-8 (a character cut at its end waits in the chunker).
  #take(): Buffer {
    if (this.#batch.length === 0) return Buffer.alloc(0);
    const bytes = this.#batch.length === 1 ? this.#batch[0]! : Buffer.concat(this.#batch, this.#bytes);
    this.#batch = [];
    this.#bytes = 0;
    return this.#utf8.write(bytes);
  }

  discard(): void {
    this.#timer.cancel();
    this.#batch = [];
    this.#bytes = 0;
  }
}
