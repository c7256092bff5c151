// 0.4 `ws://HOST/wstreams/<pid>`: every client message goes to the process
// stdin; the output of its first redirect_output label comes back as text
// messages (what was read during one turn of the event loop in one message,
// valid UTF-8 passed on as bytes, never decoded into strings). The socket
// closes when the process exits, after the last of its output. Input is paced:
// while the process has not read its pending input, the socket is paused.
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { toWireError } from '../errors.js';
import type { ManagedProcess } from '../core/managed-process.js';
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

// Output bytes → text messages: one per turn of the event loop, each valid UTF-8.
class OutputBatcher {
  readonly #utf8 = new Utf8Chunker();
  readonly #send: (text: Buffer) => void;
  #batch: Buffer[] = [];
  #bytes = 0;
  #timer: NodeJS.Immediate | undefined;

  constructor(send: (text: Buffer) => void) {
    this.#send = send;
  }

  add(data: Buffer): void {
    const text = this.#utf8.write(data);
    if (text.length === 0) return;
    this.#batch.push(text);
    this.#bytes += text.length;
    this.#timer ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
    if (this.#batch.length === 0) return;
    const text = this.#batch.length === 1 ? this.#batch[0]! : Buffer.concat(this.#batch, this.#bytes);
    this.#batch = [];
    this.#bytes = 0;
    this.#send(text);
  }

  /** The output is over: send what is left (a character left unfinished as U+FFFD). */
  end(): void {
    const rest = this.#utf8.end();
    if (rest.length > 0) {
      this.#batch.push(rest);
      this.#bytes += rest.length;
    }
    this.flush();
  }

  discard(): void {
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#batch = [];
    this.#bytes = 0;
  }
}
