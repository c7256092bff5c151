// Frames of the 0.5 PID channel websocket: `V1 <type> <id>\0<body>`.
import { randomUUID } from 'node:crypto';
import { BadRequestError } from '../errors.js';

export type FrameType = 'message' | 'response' | 'error';

export interface ChannelFrame {
  type: FrameType;
  id: string;
  body: Buffer;
}

/** The id of connection-level error frames. */
export const CONNECTION_ERROR_ID = 'gaffer_error';

const HEADER = /^V1 (message|response|error) (\S+)$/;

/** A fresh frame id: 32 lower-case hex characters. */
export function newFrameId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Encode one frame (ASCII header, NUL, body bytes). */
export function encodeFrame(type: FrameType, id: string, body: Buffer | string = ''): Buffer {
  return Buffer.concat([Buffer.from(`V1 ${type} ${id}\0`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** An error frame body: `{"error": <reason>, "errno": <code>}`. */
export function encodeErrorFrame(id: string, reason: string, errno: number): Buffer {
  return encodeFrame('error', id, JSON.stringify({ error: reason, errno }));
}

/** Decode one frame; anything else is a 400 `invalid_frame`. */
export function decodeFrame(data: Buffer): ChannelFrame {
  const nul = data.indexOf(0);
  if (nul < 0) throw invalid('no NUL byte after the header');
  const header = HEADER.exec(data.subarray(0, nul).toString('latin1'));
  if (!header) throw invalid(`bad header ${JSON.stringify(data.subarray(0, Math.min(nul, 80)).toString('latin1'))}`);
  return { type: header[1] as FrameType, id: header[2]!, body: data.subarray(nul + 1) };
}

function invalid(detail: string): BadRequestError {
  return new BadRequestError('invalid_frame', `invalid channel frame (${detail}): expected "V1 <type> <id>\\0<body>"`);
}
