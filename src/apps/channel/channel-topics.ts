// Channel topics (http-api.md → Topics): `EVENTS[:pattern]`, `JOB:<F>`,
// `PROCESS:<pid>`, `STATS:<pid>|<F>`, `STREAM:<pid>[.<label>]`. A topic is
// resolved first (does its job/process exist? which permission does it
// need?) and opened only once the connection is allowed to read it.
import { StringDecoder } from 'node:string_decoder';
import type { Manager } from '../../core/manager.js';
import { isGafferError } from '../../errors.js';
import { fullName, parseJobName, validateJobName, validateSessionId } from '../../util/names.js';
import type { AccessRequirement } from './channel-auth.js';
import type { SubscriptionErrorReason } from './channel-messages.js';

/** Delivers one topic item (`{event, topic, ...payload}`) to the connection. */
export type TopicEmitter = (data: Record<string, unknown>) => void;

export interface ResolvedTopic {
  /** `SOURCE[:target]` with the source upper-cased: the reference-count key and the `topic` of items. */
  readonly key: string;
  readonly requirement: AccessRequirement;
  /** Start delivering items; returns the function that stops them. */
  open(emit: TopicEmitter): () => void;
}

/** A subscription the server refuses, with the reason sent to the client. */
export class TopicError extends Error {
  readonly reason: SubscriptionErrorReason;

  constructor(reason: SubscriptionErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

const PID = /^\d+$/;

/**
 * Resolve a topic against the manager's current jobs and processes. Throws
 * a TopicError for a malformed topic, an unknown pid (a JOB topic may name a
 * job not loaded yet), or an unknown
 * stream label.
 */
export function resolveTopic(manager: Manager, text: string): ResolvedTopic {
  const { source, target } = splitTopic(text);
  const key = topicKey(text);
  try {
    switch (source) {
      case 'EVENTS': return eventsTopic(manager, key, target === undefined || target === '' ? '.' : target);
      case 'JOB': return jobTopic(manager, key, required(target, text));
      case 'PROCESS': return processTopic(manager, key, target);
      case 'STATS': return statsTopic(manager, key, required(target, text));
      case 'STREAM': return streamTopic(manager, key, target ?? '');
      default: throw new TopicError('invalid_topic', `unknown topic source '${source}': expected EVENTS, JOB, PROCESS, STATS or STREAM`);
    }
  } catch (err) {
    if (err instanceof TopicError) throw err;
    if (isGafferError(err)) throw new TopicError({ error: err.reason, errno: err.status }, err.message);
    throw err;
  }
}

/** The reference-count key of a topic: `SOURCE[:target]`, source upper-cased, target as written. */
export function topicKey(text: string): string {
  const { source, target } = splitTopic(text);
  return target === undefined ? source : `${source}:${target}`;
}

function splitTopic(text: string): { source: string; target: string | undefined } {
  const colon = text.indexOf(':');
  return {
    source: (colon < 0 ? text : text.slice(0, colon)).trim().toUpperCase(),
    target: colon < 0 ? undefined : text.slice(colon + 1),
  };
}

function required(target: string | undefined, text: string): string {
  if (target === undefined || target === '') throw new TopicError('invalid_topic', `topic '${text}' needs a target after ':'`);
  return target;
}

// Canonical events matching a pattern; `data.event` is the full event type.
function eventsTopic(manager: Manager, key: string, pattern: string): ResolvedTopic {
  return {
    key,
    requirement: { permission: 'manage-all', target: undefined },
    open: (emit) => {
      const listener = (type: string, payload: Record<string, unknown>): void => emit(item(type, key, payload));
      manager.events.subscribe(pattern, listener);
      return () => manager.events.unsubscribe(pattern, listener);
    },
  };
}

// `job.<F>.*` events, typed by their suffix (`spawn`, `exit`...). The job need not be loaded yet
// (as in the original): its events flow once it is, so a client may subscribe before loading it.
function jobTopic(manager: Manager, key: string, designation: string): ResolvedTopic {
  const parsed = parseJobName(designation);
  try {
    validateSessionId(parsed.sessionid);
    validateJobName(parsed.name);
  } catch (err) {
    throw new TopicError('invalid_topic', `topic '${key}': ${(err as Error).message}`);
  }
  const full = fullName(parsed.sessionid, parsed.name);
  return suffixTopic(manager, key, `job.${full}`, { permission: 'manage', target: full });
}

function processTopic(manager: Manager, key: string, pid: string | undefined): ResolvedTopic {
  if (pid === undefined || !PID.test(pid)) throw new TopicError('invalid_process', `topic '${key}' needs an internal pid (integer)`);
  const full = manager.jobOf(pid).fullName;
  return suffixTopic(manager, key, `proc.${Number(pid)}`, { permission: 'manage', target: full });
}

function suffixTopic(manager: Manager, key: string, prefix: string, requirement: AccessRequirement): ResolvedTopic {
  return {
    key,
    requirement,
    open: (emit) => {
      const listener = (type: string, payload: Record<string, unknown>): void => emit(item(type.slice(prefix.length + 1), key, payload));
      manager.events.subscribe(prefix, listener);
      return () => manager.events.unsubscribe(prefix, listener);
    },
  };
}

// `stat` events of one process, or of the kept processes of a job at subscription time.
function statsTopic(manager: Manager, key: string, target: string): ResolvedTopic {
  const full = PID.test(target) ? manager.jobOf(target).fullName : manager.getJob(target).fullName;
  return {
    key,
    requirement: { permission: 'read', target: full },
    open: (emit) => manager.monitor(PID.test(target) ? Number(target) : target, (stat) => emit(item('stat', key, { ...stat }))),
  };
}

// Output of one label of a process, decoded as UTF-8 across chunk boundaries.
function streamTopic(manager: Manager, key: string, target: string): ResolvedTopic {
  const m = /^(\d+)(?:\.(.+))?$/.exec(target);
  if (!m) throw new TopicError('invalid_topic', `topic '${key}' must be STREAM:<pid> or STREAM:<pid>.<label>`);
  const proc = manager.getProcess(m[1]!);
  const label = m[2] ?? proc.redirectOutput.find((l) => l !== '');
  if (label === undefined || !proc.labels.includes(label)) {
    throw new TopicError('stream_not_found', `process ${proc.pid} (${proc.name}) has no stream '${label ?? ''}'; it has: ${proc.labels.join(', ') || 'none'}`);
  }
  return {
    key,
    requirement: { permission: 'read', target: proc.name },
    open: (emit) => {
      const decoder = new StringDecoder('utf8');
      // Custom streams are typed READ, redirected outputs by their label.
      let type = proc.redirectOutput.includes(label) ? label : 'READ';
      const send = (text: string): void => {
        if (text !== '') emit({ event: type, topic: key, name: proc.name, pid: proc.pid, data: text });
      };
      let open = true;
      const stop = manager.monitorIo(proc.pid, label, (chunk) => {
        type = chunk.custom ? 'READ' : chunk.label;
        send(decoder.write(chunk.data));
      });
      // An incomplete UTF-8 sequence left at exit is still delivered.
      void proc.exited.then(() => { if (open) send(decoder.end()); });
      return () => {
        open = false;
        stop();
      };
    },
  };
}

function item(event: string, topic: string, payload: Record<string, unknown>): Record<string, unknown> {
  const { event: _ignored, ...rest } = payload;
  return { event, topic, ...rest };
}
