// Shared by the websocket endpoints (/wstreams, PID channel).
import type { WebSocket } from 'ws';
import type { Logger } from '../util/logger.js';

/** Close code used after an error message or frame (the message names the reason). */
export const WS_ERROR_CLOSE_CODE = 1008;

/** A ws message as one Buffer, whatever its binary type. */
export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Send to a websocket without letting a stalled client grow memory: once
 * its unsent bytes exceed `limit` it is terminated (its close handler then
 * drops its subscriptions). Nothing is sent to a socket that is not open.
 * `{binary: false}` sends a Buffer (valid UTF-8) as a text message without decoding it.
 */
export function sendBounded(ws: WebSocket, data: Buffer | string, limit: number, logger: Logger, what: string, options?: { binary: boolean }): void {
  if (ws.readyState !== ws.OPEN) return;
  if (options) ws.send(data, options);
  else ws.send(data);
  if (ws.bufferedAmount > limit) {
    logger.warn(`${what}: client too slow (${ws.bufferedAmount} bytes unsent, limit ${limit}); closing it`);
    ws.terminate();
  }
}

/** Close a websocket when its process exits (normal closure). */
export function closeOnExit(ws: WebSocket, exited: Promise<unknown>): void {
  void exited.then(() => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, 'process exited');
  });
}
