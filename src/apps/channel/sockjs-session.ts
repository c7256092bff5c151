// The few facts about a sockjs 0.3.24 connection the channel needs and the
// library does not expose: how much it has not sent yet, and its session
// timer. Read defensively, so a different sockjs release degrades to "no
// backlog known" instead of failing.
import type { Connection } from 'sockjs';

/** Bounds of what one client may leave unsent before it is cut. */
export interface BacklogLimits {
  /** Messages queued in the session while no transport request is attached (polling). */
  messages: number;
  /** Bytes written to the client's socket or response but not yet flushed to the OS. */
  bytes: number;
}

export const DEFAULT_BACKLOG_LIMITS: Readonly<BacklogLimits> = { messages: 10_000, bytes: 1024 * 1024 };

interface SessionInternals {
  send_buffer?: unknown[];
  to_tref?: { unref?: () => void };
  recv?: { connection?: { writableLength?: number }; response?: { writableLength?: number } } | null;
}

function internals(conn: Connection): SessionInternals | undefined {
  const session = (conn as unknown as { _session?: SessionInternals })._session;
  return typeof session === 'object' && session !== null ? session : undefined;
}

/** True when the connection holds more unsent data than `limits` allow. */
export function isBacklogged(conn: Connection, limits: BacklogLimits): boolean {
  const session = internals(conn);
  if (!session) return false;
  if (Array.isArray(session.send_buffer) && session.send_buffer.length > limits.messages) return true;
  const recv = session.recv;
  const bytes = recv?.connection?.writableLength ?? recv?.response?.writableLength ?? 0;
  return bytes > limits.bytes;
}

/**
 * After the server closed a session, its expiry timer (5 s for polling
 * transports) must not keep a stopping process alive.
 */
export function releaseSessionTimer(conn: Connection): void {
  internals(conn)?.to_tref?.unref?.();
}
