// Wire vocabulary of gaffer_lookupd, shared by the server (src/lookupd/),
// the gafferd registration application and the query client: message types,
// reply shapes, HTTP response bodies and event-feed messages (lookupd.md).
import { BadRequestError } from '../errors.js';

/** Version of the registration protocol sent in IDENTIFY. */
export const LOOKUPD_PROTOCOL_VERSION = '0.1';

/** Default listen port of gaffer_lookupd (`--bind` default `0.0.0.0:5010`). */
export const LOOKUPD_DEFAULT_PORT = 5010;

/** Path of the registration websocket. */
export const LOOKUPD_WS_PATH = '/ws';

/** Mount point of the SockJS event feed (raw websocket at `<prefix>/websocket`). */
export const LOOKUPD_FEED_PREFIX = '/lookup';

/** Client -> lookupd message types. */
export const LOOKUPD_MESSAGE_TYPES = [
  'IDENTIFY', 'REGISTER_JOB', 'UNREGISTER_JOB', 'REGISTER_PROCESS', 'UNREGISTER_PROCESS', 'PING',
] as const;
export type LookupdMessageType = (typeof LOOKUPD_MESSAGE_TYPES)[number];

/** A message id chosen by the client and echoed in the reply (gafferd sends 32 hex chars). */
export type MessageId = string | number;

/**
 * The protocol version a node announces: any JSON value, recorded as sent (gafferd sends the
 * string "0.1"; the original Python client sends the number 1.0).
 */
export type NodeVersion = string | number | boolean | null | object;

export interface IdentifyMessage { type: 'IDENTIFY'; msgid: MessageId; name: string; origin: string; version: NodeVersion }
export interface RegisterJobMessage { type: 'REGISTER_JOB'; msgid: MessageId; job_name: string }
export interface UnregisterJobMessage { type: 'UNREGISTER_JOB'; msgid: MessageId; job_name: string }
export interface RegisterProcessMessage { type: 'REGISTER_PROCESS'; msgid: MessageId; job_name: string; pid: number }
export interface UnregisterProcessMessage { type: 'UNREGISTER_PROCESS'; msgid: MessageId; job_name: string; pid: number }
export interface PingMessage { type: 'PING'; msgid: MessageId }

export type LookupdMessage =
  | IdentifyMessage | RegisterJobMessage | UnregisterJobMessage
  | RegisterProcessMessage | UnregisterProcessMessage | PingMessage;

/** Members each message type must carry besides `type` and `msgid`. */
export const LOOKUPD_MESSAGE_MEMBERS: Readonly<Record<LookupdMessageType, readonly string[]>> = {
  IDENTIFY: ['name', 'origin', 'version'],
  REGISTER_JOB: ['job_name'],
  UNREGISTER_JOB: ['job_name'],
  REGISTER_PROCESS: ['job_name', 'pid'],
  UNREGISTER_PROCESS: ['job_name', 'pid'],
  PING: [],
};

export interface LookupdOkReply { ok: true; msgid: MessageId }
export interface LookupdErrorReply { errno: number; reason: string; msgid: MessageId | null }
export type LookupdReply = LookupdOkReply | LookupdErrorReply;

/** Wire reasons of the registration protocol errors. */
export const LOOKUPD_REASONS = {
  invalidJson: 'invalid_json',
  invalidMessage: 'invalid_message',
  invalidMessageType: 'invalid_message_type',
  notIdentified: 'need to send IDENTIFY message first',
  alreadyIdentified: 'already identified',
  identityExists: 'identity exists',
  tooManyJobs: 'too_many_jobs',
  tooManyPids: 'too_many_pids',
} as const;

/** `job '<job_name>' is already registered` */
export function jobAlreadyRegisteredReason(jobName: string): string {
  return `job '${jobName}' is already registered`;
}

/** `job '<job_name>' not found` */
export function jobNotFoundReason(jobName: string): string {
  return `job '${jobName}' not found`;
}

export function isErrorReply(reply: LookupdReply): reply is LookupdErrorReply {
  return (reply as LookupdErrorReply).errno !== undefined;
}

// ------------------------------------------------------------------ HTTP API

/** A node as reported by the HTTP API and the event feed (null members before IDENTIFY). */
export interface NodeInfo { name: string | null; origin: string | null; version: NodeVersion }

/** An identified node. */
export interface IdentifiedNodeInfo { name: string; origin: string; version: NodeVersion }

/** One node running a job. */
export interface JobSource { name: string; pids: number[]; node_info: IdentifiedNodeInfo }

export interface JobEntry { name: string; sources: JobSource[] }
export interface SessionEntry { sessionid: string; jobs: Record<string, JobSource[]> }

export interface LookupdWelcome { welcome: 'gaffer-lookupd'; version: string }
export interface LookupdVersion { version: string }
export interface NodesReply { nodes: IdentifiedNodeInfo[] }
export interface SessionsReply { nb_sessions: number; sessions: SessionEntry[] }
export interface JobsReply { nb_jobs: number; jobs: JobEntry[] }
export interface FindJobReply { sources: JobSource[] }
/** `/findSession` has the shape of `/jobs`. */
export type FindSessionReply = JobsReply;

// ---------------------------------------------------------------- event feed

export const LOOKUPD_EVENTS = [
  'add_node', 'identify', 'remove_node', 'add_job', 'remove_job', 'add_process', 'remove_process',
] as const;
export type LookupdEventType = (typeof LOOKUPD_EVENTS)[number];

export interface NodeEvent { event: 'add_node' | 'identify' | 'remove_node'; name: string | null; origin: string | null; version: NodeVersion }
export interface JobEvent { event: 'add_job' | 'remove_job'; node: IdentifiedNodeInfo; job_name: string }
export interface ProcessEvent { event: 'add_process' | 'remove_process'; node: IdentifiedNodeInfo; job_name: string; pid: number }
export type LookupdEvent = NodeEvent | JobEvent | ProcessEvent;

// ------------------------------------------------------------------- helpers

/**
 * The registration websocket URL of a lookupd HTTP address:
 * `http://h:5010` -> `ws://h:5010/ws`, `https://` -> `wss://`; a bare
 * `host:port` is taken as `http://`.
 */
export function lookupdWebsocketUrl(address: string, path = LOOKUPD_WS_PATH): string {
  const url = parseLookupdUrl(address);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw badLookupdAddress(address);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The HTTP base URL of a lookupd address (`host:port` -> `http://host:port`), without trailing slash. */
export function lookupdHttpUrl(address: string): string {
  const url = parseLookupdUrl(address);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badLookupdAddress(address);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function parseLookupdUrl(address: string): URL {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`);
  } catch (err) {
    throw badLookupdAddress(address, err);
  }
}

function badLookupdAddress(address: string, cause?: unknown): BadRequestError {
  return new BadRequestError('bad_value',
    `invalid lookupd address ${JSON.stringify(address)}: expected an http:// or https:// URL such as http://127.0.0.1:5010`,
    { cause });
}
