// Validation of registration frames at the boundary: a frame becomes a typed
// message or a protocol error that still knows the msgid to answer with.
import {
  LOOKUPD_MESSAGE_MEMBERS, LOOKUPD_MESSAGE_TYPES,
  type LookupdMessage, type LookupdMessageType, type MessageId,
} from '../protocol/lookupd.js';
import { invalidJson, invalidMessage, invalidMessageType, type LookupdProtocolError } from './protocol-errors.js';

export type ParsedFrame =
  | { ok: true; message: LookupdMessage }
  | { ok: false; error: LookupdProtocolError; msgid: MessageId | null };

/** Longest accepted string member (names, origins, job names). */
const MAX_STRING = 1024;

/** Parse and validate one text frame of the registration protocol. */
export function parseMessage(text: string): ParsedFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: invalidJson(), msgid: null };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: invalidMessage('expected a JSON object with "type" and "msgid"'), msgid: null };
  }
  const record = data as Record<string, unknown>;
  const msgid = isMessageId(record.msgid) ? record.msgid : null;
  if (msgid === null) return fail(invalidMessage('missing or invalid "msgid" (expected a non-empty string or a number)'), null);
  if (typeof record.type !== 'string' || record.type === '') return fail(invalidMessage('missing "type"'), msgid);
  if (!(LOOKUPD_MESSAGE_TYPES as readonly string[]).includes(record.type)) return fail(invalidMessageType(record.type), msgid);
  const type = record.type as LookupdMessageType;
  for (const member of LOOKUPD_MESSAGE_MEMBERS[type]) {
    const problem = checkMember(member, record[member]);
    if (problem) return fail(invalidMessage(`${type} ${problem}`), msgid);
  }
  return { ok: true, message: { ...pick(record, type), type, msgid } as LookupdMessage };
}

function fail(error: LookupdProtocolError, msgid: MessageId | null): ParsedFrame {
  return { ok: false, error, msgid };
}

function isMessageId(value: unknown): value is MessageId {
  return (typeof value === 'string' && value.length > 0 && value.length <= MAX_STRING) ||
    (typeof value === 'number' && Number.isFinite(value));
}

// Describe what is wrong with one member, or undefined when it is acceptable.
function checkMember(member: string, value: unknown): string | undefined {
  // Any JSON value is a version, as in the original (its own client sends the number 1.0).
  if (member === 'version') {
    if (value === undefined) return 'needs "version"';
    return JSON.stringify(value).length > MAX_STRING ? `"version" is longer than ${MAX_STRING} characters of JSON` : undefined;
  }
  if (value === undefined || value === null) return `needs "${member}"`;
  if (member === 'pid') {
    return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `"pid" must be a non-negative integer, got ${JSON.stringify(value)}`;
  }
  if (typeof value !== 'string' || value.length === 0) return `"${member}" must be a non-empty string`;
  if (value.length > MAX_STRING) return `"${member}" is longer than ${MAX_STRING} characters`;
  if (member === 'job_name' && !isJobName(value)) {
    return `"job_name" ${JSON.stringify(value)} is not a job name (expected "session.name" or "name")`;
  }
  return undefined;
}

// A job designation whose session and name parts are both non-empty.
function isJobName(value: string): boolean {
  const at = value.search(/[./:]/);
  if (at < 0) return true;
  return at > 0 && at < value.length - 1;
}

function pick(record: Record<string, unknown>, type: LookupdMessageType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of LOOKUPD_MESSAGE_MEMBERS[type]) out[member] = record[member];
  return out;
}
