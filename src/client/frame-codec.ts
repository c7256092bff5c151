// Client side of the PID channel frames (http-api.md → PID channel).
import { parseFrame, type ChannelFrame } from '../protocol/pid-channel-frames.js';

export { CONNECTION_ERROR_ID, encodeFrame, newFrameId as frameId, type FrameType } from '../protocol/pid-channel-frames.js';
export type Frame = ChannelFrame;

/** Decode a frame, or undefined when the bytes are not one. */
export function decodeFrame(data: Buffer): Frame | undefined {
  const frame = parseFrame(data);
  return typeof frame === 'string' ? undefined : frame;
}

/** The `{"error", "errno"}` body of an error frame. */
export function errorOfFrame(frame: Frame): { error: string; errno: number } {
  try {
    const body = JSON.parse(frame.body.toString('utf8')) as { error?: unknown; errno?: unknown };
    return { error: String(body.error ?? 'unknown_error'), errno: Number(body.errno ?? 500) };
  } catch {
    return { error: frame.body.toString('utf8') || 'unknown_error', errno: 500 };
  }
}
