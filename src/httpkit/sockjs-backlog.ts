// How much a sockjs 0.3.24 connection has not sent yet (the library does not
// expose it): messages queued in the session while no polling request is
// attached, and bytes written to its socket or response but not flushed.
// Read defensively: another sockjs release degrades to "nothing known" (0).
import type { Connection } from 'sockjs';

interface SessionInternals {
  send_buffer?: unknown[];
  recv?: { connection?: { writableLength?: number }; response?: { writableLength?: number } } | null;
}

/** Unsent messages and bytes of a sockjs connection. */
export function sockjsBacklog(conn: Connection): { messages: number; bytes: number } {
  const session = (conn as unknown as { _session?: SessionInternals })._session;
  if (typeof session !== 'object' || session === null) return { messages: 0, bytes: 0 };
  const messages = Array.isArray(session.send_buffer) ? session.send_buffer.length : 0;
  const recv = session.recv;
  const bytes = recv?.connection?.writableLength ?? recv?.response?.writableLength ?? 0;
  return { messages, bytes };
}

/**
 * Close a sockjs connection that does not keep up and free what it holds: the
 * close frame is queued, then the transport's socket is destroyed (a stalled
 * client would never read the close frame nor the backlog before it).
 */
export function cutSockjsConnection(conn: Connection, code: number, reason: string): void {
  const session = (conn as unknown as { _session?: { recv?: { connection?: { destroy?: () => void }; response?: { socket?: { destroy?: () => void } | null } } | null } })._session;
  const recv = session?.recv;
  const socket = recv?.connection ?? recv?.response?.socket ?? undefined;
  try {
    conn.close(String(code), reason);
  } catch { /* already closed */ }
  socket?.destroy?.();
}
