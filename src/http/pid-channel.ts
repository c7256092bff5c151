// 0.5 `ws://HOST/<pid>/channel[/<stream>]?mode=<1|2|3>`: bidirectional access
// to one process's streams with `V1 <type> <id>\0<body>` frames.
import type { WebSocket } from 'ws';
import type { ManagedProcess } from '../core/managed-process.js';
import { ForbiddenError, NotFoundError, BadRequestError, toWireError } from '../errors.js';
import type { UpgradeRouter } from '../httpkit/upgrade.js';
import { AUTH_REQUIRED, parseAuthMessage, type KeyInfo } from '../protocol/auth.js';
import { CONNECTION_ERROR_ID, decodeFrame, encodeErrorFrame, encodeFrame, newFrameId } from './channel-frames.js';
import { authenticateSocket } from './permissions.js';
import { pacedInput, type PacedWrite } from './paced-input.js';
import type { RouteDeps } from './route-support.js';
import { WS_ERROR_CLOSE_CODE, closeOnExit, sendBounded } from './ws-support.js';

export const MODE_READ = 1;
export const MODE_WRITE = 2;

/** What a channel reads from and writes to, resolved when it opens. */
export interface ChannelStreams {
  /** Output label to read (undefined when the mode has no read bit). */
  read: string | undefined;
  /** `stdin` or a custom stream (undefined when the mode has no write bit). */
  write: string | undefined;
}

/** Register `/<pid>/channel` and `/<pid>/channel/<stream>`. */
export function registerPidChannel(upgrades: UpgradeRouter, deps: RouteDeps): void {
  // With keys required the stream opens only after a first frame whose body is `AUTH:<key>`.
  const open = (ws: WebSocket, pid: string, stream: string | undefined, mode: string | null): void => authenticateSocket(ws, deps.auth, {
    keyOf: (message) => authKeyOf(message),
    acknowledge: (message) => ws.send(encodeFrame('response', decodeFrame(message).id, 'OK')),
    refuse: () => closeWithError(ws, AUTH_REQUIRED, 403),
    open: (caller) => openChannel(ws, deps, pid, stream, mode, caller),
  });
  upgrades.addWebSocket('/:pid<\\d+>/channel', (ws, _req, m) => open(ws, m.params.pid!, undefined, m.url.searchParams.get('mode')));
  upgrades.addWebSocket('/:pid<\\d+>/channel/:stream', (ws, _req, m) => open(ws, m.params.pid!, m.params.stream, m.url.searchParams.get('mode')));
}

/** Parse `mode`: absent → 3 (read + write); 1, 2 or 3 otherwise a 400 `bad_value`. */
export function parseChannelMode(value: string | null): number {
  if (value === null || value === '') return MODE_READ | MODE_WRITE;
  if (!/^[123]$/.test(value)) throw new BadRequestError('bad_value', `invalid mode ${JSON.stringify(value)}: expected 1 (read), 2 (write) or 3 (both)`);
  return Number(value);
}

/**
 * Stream selection (http-api.md → PID channel): no stream = first output
 * label + stdin; an output label = that label + stdin; a custom stream =
 * read and write it; anything else is ENOENT. Missing capabilities are EPERM.
 */
export function resolveChannelStreams(proc: ManagedProcess, stream: string | undefined, mode: number): ChannelStreams {
  const wantsRead = (mode & MODE_READ) !== 0;
  const wantsWrite = (mode & MODE_WRITE) !== 0;
  const outputs = proc.redirectOutput.filter((l) => l !== '');
  let read: string | undefined;
  let write: string | undefined;
  if (stream === undefined || outputs.includes(stream)) {
    read = stream ?? outputs[0];
    if (wantsRead && read === undefined) throw eperm(`process ${proc.pid} (${proc.name}) has no redirected output`);
    if (wantsWrite && !proc.redirectInput) throw eperm(`process ${proc.pid} (${proc.name}) does not accept input (redirect_input = false)`);
    write = 'stdin';
  } else if (proc.customStreams.includes(stream)) {
    read = stream;
    write = stream;
  } else {
    throw new NotFoundError('ENOENT', `process ${proc.pid} (${proc.name}) has no stream '${stream}'`);
  }
  return { read: wantsRead ? read : undefined, write: wantsWrite ? write : undefined };
}

// The key of a `V1 message <id>\0AUTH:<key>` frame, undefined for any other frame.
function authKeyOf(message: Buffer): string | undefined {
  try {
    const frame = decodeFrame(message);
    return frame.type === 'message' ? parseAuthMessage(frame.body.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

function closeWithError(ws: WebSocket, reason: string, status: number): void {
  ws.send(encodeErrorFrame(CONNECTION_ERROR_ID, reason, status));
  ws.close(WS_ERROR_CLOSE_CODE, reason);
}

// Open a channel: errors while opening are `gaffer_error` frames followed by a close.
function openChannel(ws: WebSocket, deps: RouteDeps, pidText: string, stream: string | undefined, modeText: string | null,
  caller: KeyInfo): ((message: Buffer) => void) | undefined {
  const manager = deps.manager();
  let proc: ManagedProcess;
  let streams: ChannelStreams;
  try {
    const mode = parseChannelMode(modeText);
    proc = manager.getProcess(pidText);
    streams = resolveChannelStreams(proc, stream, mode);
    checkChannelRights(deps, caller, proc, streams);
  } catch (err) {
    const e = toWireError(err);
    closeWithError(ws, e.reason, e.status);
    return undefined;
  }
  const send = (frame: Buffer): void => sendBounded(ws, frame, deps.limits.wsBuffer, deps.logger, `channel ${proc.pid}`);
  const unsubscribe = streams.read === undefined ? () => {} : manager.monitorIo(proc.pid, streams.read, (chunk) => {
    send(encodeFrame('message', newFrameId(), chunk.data));
  });
  ws.once('close', unsubscribe);
  closeOnExit(ws, proc.exited);
  // Writes are paced: the socket is paused while the process has not read its pending input.
  const target = streams.write === 'stdin' ? undefined : streams.write;
  const write = pacedInput(ws, proc, (data) => deps.manager().send(proc.pid, data, target), target);
  return (message) => onClientFrame(message, streams, write, send);
}

// Reading needs read permission on the job, writing write permission (403 `FORBIDDEN`).
function checkChannelRights(deps: RouteDeps, caller: KeyInfo, proc: ManagedProcess, streams: ChannelStreams): void {
  if (!deps.auth) return;
  const denied = (streams.read !== undefined && !deps.auth.can(caller, 'read', proc.name)) ||
    (streams.write !== undefined && !deps.auth.can(caller, 'write', proc.name));
  const access = [streams.read === undefined ? '' : 'read', streams.write === undefined ? '' : 'write'].filter((a) => a !== '').join(' and ');
  if (denied) throw new ForbiddenError('FORBIDDEN', `the API key may not ${access} the streams of '${proc.name}'`);
}

// A client frame: only `message` frames carry data to write; each gets a response or an error frame.
function onClientFrame(data: Buffer, streams: ChannelStreams, write: PacedWrite, send: (frame: Buffer) => void): void {
  let frame;
  try {
    frame = decodeFrame(data);
  } catch {
    send(encodeErrorFrame(CONNECTION_ERROR_ID, 'invalid_frame', 400));
    return;
  }
  if (frame.type !== 'message') {
    send(encodeErrorFrame(frame.id, 'invalid_frame', 400));
    return;
  }
  if (streams.write === undefined) {
    send(encodeErrorFrame(frame.id, 'EPERM', 403));
    return;
  }
  const id = frame.id;
  write(frame.body, (result) => result.then(() => send(encodeFrame('response', id, 'OK')), () => send(encodeErrorFrame(id, 'EIO', 500))));
}

function eperm(message: string): ForbiddenError {
  return new ForbiddenError('EPERM', message);
}
