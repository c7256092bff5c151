// Client side of the PID channel frames (http-api.md → PID channel):
// `V1 <type> <id>\0<body>`, ASCII header, NUL, body bytes.
import { randomUUID } from 'node:crypto';

export type FrameType = 'message' | 'response' | 'error';

export interface Frame {
  type: FrameType;
  id: string;
  body: Buffer;
}

/** The id of connection-level error frames. */
export const CONNECTION_ERROR_ID = 'gaffer_error';

const HEADER = /^V1 (message|response|error) (\S+)$/;

/** A fresh frame id: 32 lower-case hex characters. */
export function frameId(): string {
  return randomUUID().replace(/-/g, '');
}

export function encodeFrame(type: FrameType, id: string, body: Buffer | string = ''): Buffer {
  return Buffer.concat([Buffer.from(`V1 ${type} ${id}\0`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** Decode a frame, or undefined when the bytes are not one. */
export function decodeFrame(data: Buffer): Frame | undefined {
  const nul = data.indexOf(0);
  if (nul < 0) return undefined;
  const header = HEADER.exec(data.subarray(0, nul).toString('latin1'));
  if (!header) return undefined;
  return { type: header[1] as FrameType, id: header[2]!, body: data.subarray(nul + 1) };
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
