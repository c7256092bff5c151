// Server side of the PID channel frames: decoding errors become 400 `invalid_frame`.
import { BadRequestError } from '../errors.js';
import { encodeFrame, parseFrame, type ChannelFrame } from '../protocol/pid-channel-frames.js';

export { CONNECTION_ERROR_ID, encodeFrame, newFrameId, type ChannelFrame, type FrameType } from '../protocol/pid-channel-frames.js';

/** An error frame body: `{"error": <reason>, "errno": <code>}`. */
export function encodeErrorFrame(id: string, reason: string, errno: number): Buffer {
  return encodeFrame('error', id, JSON.stringify({ error: reason, errno }));
}

/** Decode one frame; anything else is a 400 `invalid_frame`. */
export function decodeFrame(data: Buffer): ChannelFrame {
  const frame = parseFrame(data);
  if (typeof frame === 'string') {
    throw new BadRequestError('invalid_frame', `invalid channel frame (${frame}): expected "V1 <type> <id>\\0<body>"`);
  }
  return frame;
}
