// `<pid>[.<stream>]` arguments of `recv`/`send`, and channel errors as the
// messages of cli.md.
import { BadRequestError, GafferError, NotFoundError } from '../../errors.js';

export interface PidStream { pid: number; stream: string | undefined }

/** Parse `12`, `12.err`; a non-numeric pid is `invalid <pid> value`. */
export function parsePidStream(text: string, stream?: string): PidStream {
  const dot = text.indexOf('.');
  const pidText = dot < 0 ? text : text.slice(0, dot);
  if (!/^\d+$/.test(pidText)) throw new BadRequestError('bad_value', `invalid <pid> value: '${pidText}' (expected an internal pid; list them with gaffer ps)`);
  const named = dot < 0 ? undefined : text.slice(dot + 1) || undefined;
  return { pid: Number(pidText), stream: stream ?? named };
}

/** A channel error (reason + errno) as the operator message of the command. */
export function channelFailure(err: { reason: string; status: number }, pid: number, stream: string | undefined, mode: 'read' | 'write'): GafferError {
  if (err.reason === 'not_found') return new NotFoundError('not_found', `process '${pid}' not found`);
  if (mode === 'read' && (err.reason === 'EPERM' || err.reason === 'ENOENT' || err.reason === 'stream_not_found')) {
    return new BadRequestError(err.reason, `can't read on '${stream ?? 'the output'}'`);
  }
  if (mode === 'write' && err.reason === 'EPERM') return new BadRequestError('EPERM', "can't write on this process, (no stdin)");
  if (mode === 'write' && (err.reason === 'ENOENT' || err.reason === 'stream_not_found')) return new NotFoundError('ENOENT', `stream '${stream}' not found`);
  return new GafferError('GAFFER_ERR_CHANNEL', err.status, err.reason, `Error (${err.status}): ${err.reason}`);
}
