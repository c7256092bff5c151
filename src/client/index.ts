// The `./client` entry of the package (`import { GafferClient } from 'gaffer-node/client'`):
// re-exports only, and nothing here loads server code (no core/, no sqlite, no sockjs, no ws
// server; websockets load the ws client on first use). test/client/client-entry.test.ts checks it.
export { GafferClient, type GafferClientOptions, type JobInfo, type JobStats, type JobStatus, type CommitRequest, type LogfileRequest } from './gaffer-client.js';
export { UnreachableError, errorFromResponse, responseBody, type ResponseErrorDetails } from './client-errors.js';
export { resolveClientOptions, type ConnectionSettings } from './connection-options.js';
export { parseEndpoint, DEFAULT_ENDPOINT, type Endpoint } from './endpoint.js';
export type { TlsOptions } from './http-transport.js';
export { watchEvents, type WatchOptions, type WatchNotice, type EventWatch } from './event-watcher.js';
export { subscribeChannel, type ChannelEvent, type ChannelSubscription } from './channel-client.js';
export { openChannelSession, ChannelRefusedError, type ChannelSession } from './channel-session.js';
export { openPidChannel, ChannelError, CHANNEL_READ, CHANNEL_WRITE, type PidChannel, type PidChannelOptions, type ChannelEnd } from './pid-channel-client.js';
export {
  followLookupd, lookupJob, lookupJobs, lookupNodes, lookupSession, lookupSessions,
  type LookupClientOptions, type LookupFailure, type LookupFeed, type LookupResult,
} from './lookup-client.js';
export {
  GafferError, BadRequestError, UnauthorizedError, ForbiddenError, NotFoundError, ConflictError,
  isGafferError, ERROR_CODES, type ErrorCode, type GafferErrorCode, type ErrorBody,
} from '../errors.js';
export { CANONICAL_EVENTS, PORT_EVENTS, type CanonicalEventType, type EventPayload } from '../protocol/events.js';
export type { KeyInfo, KeyPermissions } from '../protocol/auth.js';
export { VERSION } from '../protocol/version.js';
