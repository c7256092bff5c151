// 0.4 `ws://HOST/wstreams/<pid>`: every client message goes to the process
// stdin; every chunk of its first redirect_output label comes back as one
// text message. The socket closes when the process exits. Input is paced:
// while the process has not read its pending input, the socket is paused.
import { StringDecoder } from 'node:string_decoder';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { isGafferError } from '../errors.js';
import type { ManagedProcess } from '../core/managed-process.js';
import type { UpgradeRouter } from '../httpkit/upgrade.js';
import { AUTH_REQUIRED, parseAuthMessage, type KeyInfo } from '../protocol/auth.js';
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
    closeWithError(ws, isGafferError(err) ? err.reason : 'internal_error');
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
  const decoder = new StringDecoder('utf8');
  const unsubscribe = label === undefined ? () => {} : manager.monitorIo(proc.pid, label, (chunk) => {
    const text = decoder.write(chunk.data);
    if (text !== '') sendBounded(ws, text, deps.limits.wsBuffer, deps.logger, `wstreams ${proc.pid}`);
  });
  ws.once('close', unsubscribe);
  closeOnExit(ws, proc.exited);
  const write = pacedInput(ws, proc, (data) => manager.send(proc.pid, data));
  return (message) => {
    write(message, (result) => result.catch((err: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error: isGafferError(err) ? err.reason : 'EIO' }));
    }));
  };
}

function closeWithError(ws: WebSocket, reason: string): void {
  ws.send(JSON.stringify({ error: reason }));
  ws.close(WS_ERROR_CLOSE_CODE, reason);
}
