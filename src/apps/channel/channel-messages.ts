// The SockJS channel's wire vocabulary (http-api.md → SockJS channel): what
// clients send (parsed into a typed message or an `invalid_msg` reason) and
// the JSON texts the server answers with.
import { AUTH_REQUIRED, parseAuthMessage } from '../../protocol/auth.js';
import { exceedsJsonDepth } from '../../util/json-depth.js';

/** Reasons of `gaffer:error` `invalid_msg` messages. */
export type InvalidMessageReason =
  | 'invalid_json' | 'json_too_deep' | 'event_missing' | 'data_missing' | 'topic_missing'
  | 'cmd_name_missing' | 'cmd_identity_missing' | 'unknown_cmd';

/** A command identity as the client sent it (echoed back as `id`). */
export type CommandIdentity = string | number;

export type ClientMessage =
  | { kind: 'auth'; key: string }
  | { kind: 'nop' }
  | { kind: 'sub' | 'unsub'; topic: string }
  | { kind: 'cmd'; identity: CommandIdentity; name: string; args: unknown; kwargs: unknown }
  | { kind: 'invalid'; reason: InvalidMessageReason };

/** Parse one client message (a JSON object, or the plain text `AUTH:<key>`). */
export function parseClientMessage(text: string): ClientMessage {
  const key = parseAuthMessage(text);
  if (key !== undefined) return { kind: 'auth', key };
  let message: unknown;
  if (exceedsJsonDepth(text)) return { kind: 'invalid', reason: 'json_too_deep' };
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'invalid_json' };
  }
  if (!isObject(message) || typeof message.event !== 'string' || message.event === '') return { kind: 'invalid', reason: 'event_missing' };
  const event = message.event.toUpperCase();
  if (event === 'NOP') return { kind: 'nop' };
  if (event !== 'SUB' && event !== 'UNSUB' && event !== 'CMD') return { kind: 'invalid', reason: 'unknown_cmd' };
  const data = message.data;
  if (!isObject(data)) return { kind: 'invalid', reason: 'data_missing' };
  if (event === 'CMD') {
    if (typeof data.name !== 'string' || data.name === '') return { kind: 'invalid', reason: 'cmd_name_missing' };
    const identity = data.identity;
    if (!(typeof identity === 'string' && identity !== '') && !(typeof identity === 'number' && Number.isFinite(identity))) {
      return { kind: 'invalid', reason: 'cmd_identity_missing' };
    }
    return { kind: 'cmd', identity, name: data.name, args: data.args, kwargs: data.kwargs };
  }
  if (typeof data.topic !== 'string' || data.topic.trim() === '') return { kind: 'invalid', reason: 'topic_missing' };
  return { kind: event === 'SUB' ? 'sub' : 'unsub', topic: data.topic.trim() };
}

/** Why a subscription was refused: a reason word, or an `{error, errno}` object. */
export type SubscriptionErrorReason = string | { error: string; errno: number };

export function subscriptionSuccess(topic: string): string {
  return JSON.stringify({ event: 'gaffer:subscription_success', topic });
}

export function subscriptionError(topic: string, reason: SubscriptionErrorReason): string {
  return JSON.stringify({ event: 'gaffer:subscription_error', topic, data: { reason } });
}

/** An item of a subscribed topic: `data` = `{event, topic, ...payload}`. */
export function topicEvent(data: Record<string, unknown>): string {
  return JSON.stringify({ event: 'gaffer:event', data });
}

export function commandSuccess(id: CommandIdentity, result: unknown): string {
  return JSON.stringify({ event: 'gaffer:command_success', data: { id, result } });
}

export function commandError(id: CommandIdentity, errno: number, reason: string): string {
  return JSON.stringify({ event: 'gaffer:command_error', data: { id, error: { errno, reason } } });
}

export function invalidMessage(reason: InvalidMessageReason): string {
  return JSON.stringify({ event: 'gaffer:error', data: { error: 'invalid_msg', reason } });
}

/** Sent before the server closes a connection that did not authenticate (401) or used a bad key (403). */
export function authRequired(status: 401 | 403): string {
  const error = status === 401 ? 'unauthorized' : 'forbidden';
  return JSON.stringify({ event: 'gaffer:error', data: { error: AUTH_REQUIRED, reason: { error, errno: status } } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
