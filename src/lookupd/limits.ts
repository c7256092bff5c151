// The bounds of a lookupd (docs/lookupd.md → Limits): what one node may
// register, how big a registration message may be, and how much unsent data
// one client (node or /lookup feed) may pile up before it is cut.

export interface LookupdLimits {
  /** Largest registration message (websocket frame); bigger ones close the socket with 1009. */
  maxMessageBytes: number;
  /** Jobs one node may register; REGISTER_JOB past it is refused (`too_many_jobs`). */
  maxJobsPerNode: number;
  /** Pids one node may register over all its jobs; REGISTER_PROCESS past it is refused (`too_many_pids`). */
  maxPidsPerNode: number;
  /** Unsent bytes a client may hold (replies, feed messages) before it is disconnected. */
  maxClientBacklogBytes: number;
  /** Feed messages queued for a polling client between two of its requests before it is disconnected. */
  maxClientBacklogMessages: number;
}

export const DEFAULT_LOOKUPD_LIMITS: Readonly<LookupdLimits> = Object.freeze({
  maxMessageBytes: 64 * 1024,
  maxJobsPerNode: 1000,
  maxPidsPerNode: 10_000,
  maxClientBacklogBytes: 8 * 1024 * 1024,
  maxClientBacklogMessages: 10_000,
});
