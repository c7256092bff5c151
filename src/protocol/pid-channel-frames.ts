// Frames of the 0.5 PID channel websocket (http-api.md → PID channel), shared by
// the server (src/http) and the client (src/client): `V1 <type> <id>\0<body>`.

export type FrameType = 'message' | 'response' | 'error';

export interface ChannelFrame {
  type: FrameType;
  id: string;
  body: Buffer;
}

/** The id of connection-level error frames. */
export const CONNECTION_ERROR_ID = 'gaffer_error';

// node:crypto (and OpenSSL with it, about 2 MiB of RSS) is loaded on first use, not by every
// gafferd that imports this module.
function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}

const HEADER = /^V1 (message|response|error) (\S+)$/;

/** A fresh frame id: 32 lower-case hex characters. */
export function newFrameId(): string {
  return crypto().randomUUID().replace(/-/g, '');
}

/** Encode one frame (ASCII header, NUL, body bytes). */
export function encodeFrame(type: FrameType, id: string, body: Buffer | string = ''): Buffer {
  return Buffer.concat([Buffer.from(`V1 ${type} ${id}\0`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** Decode one frame; a string saying what is wrong when the bytes are not one. */
export function parseFrame(data: Buffer): ChannelFrame | string {
  const nul = data.indexOf(0);
  if (nul < 0) return 'no NUL byte after the header';
  const header = HEADER.exec(data.subarray(0, nul).toString('latin1'));
  if (!header) return `bad header ${JSON.stringify(data.subarray(0, Math.min(nul, 80)).toString('latin1'))}`;
  return { type: header[1] as FrameType, id: header[2]!, body: data.subarray(nul + 1) };
}
