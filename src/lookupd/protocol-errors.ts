// Errors of the registration protocol. Each becomes one error reply
// `{errno, reason, msgid}` on the websocket; `code` is for logs and docs.
import { GafferError, type ErrorCode } from '../errors.js';
import { LOOKUPD_REASONS, jobAlreadyRegisteredReason, jobNotFoundReason } from '../protocol/lookupd.js';

/** The registered lookupd codes, without their GAFFER_ERR_LOOKUPD_ prefix. */
type LookupdCode = ErrorCode extends infer C ? C extends `GAFFER_ERR_LOOKUPD_${infer S}` ? S : never : never;

/** A registration message that was refused; `status` is the wire errno. */
export class LookupdProtocolError extends GafferError {
  constructor(code: LookupdCode, status: number, reason: string, message: string) {
    super(`GAFFER_ERR_LOOKUPD_${code}`, status, reason, message);
  }
}

export function invalidJson(): LookupdProtocolError {
  return new LookupdProtocolError('INVALID_JSON', 400, LOOKUPD_REASONS.invalidJson,
    'registration message is not JSON: send one JSON object per text frame');
}

export function invalidMessage(detail: string): LookupdProtocolError {
  return new LookupdProtocolError('INVALID_MESSAGE', 400, LOOKUPD_REASONS.invalidMessage, `invalid registration message: ${detail}`);
}

export function invalidMessageType(type: unknown): LookupdProtocolError {
  return new LookupdProtocolError('INVALID_MESSAGE_TYPE', 400, LOOKUPD_REASONS.invalidMessageType,
    `unknown registration message type ${JSON.stringify(type)}: expected IDENTIFY, REGISTER_JOB, UNREGISTER_JOB, REGISTER_PROCESS, UNREGISTER_PROCESS or PING`);
}

export function notIdentified(type: string): LookupdProtocolError {
  return new LookupdProtocolError('NOT_IDENTIFIED', 404, LOOKUPD_REASONS.notIdentified,
    `${type} refused: the node must send IDENTIFY before registering anything`);
}

export function alreadyIdentified(name: string): LookupdProtocolError {
  return new LookupdProtocolError('ALREADY_IDENTIFIED', 409, LOOKUPD_REASONS.alreadyIdentified,
    `IDENTIFY refused: this connection is already identified as '${name}'`);
}

export function identityExists(name: string, origin: string): LookupdProtocolError {
  return new LookupdProtocolError('IDENTITY_EXISTS', 409, LOOKUPD_REASONS.identityExists,
    `IDENTIFY refused: another connected node is already '${name}' with origin ${origin}`);
}

export function jobAlreadyRegistered(nodeName: string, jobName: string): LookupdProtocolError {
  return new LookupdProtocolError('JOB_ALREADY_REGISTERED', 409, jobAlreadyRegisteredReason(jobName),
    `REGISTER_JOB refused: node '${nodeName}' already registered job '${jobName}'`);
}

export function tooManyJobs(nodeName: string, max: number): LookupdProtocolError {
  return new LookupdProtocolError('TOO_MANY_JOBS', 429, LOOKUPD_REASONS.tooManyJobs,
    `REGISTER_JOB refused: node '${nodeName}' already registered ${max} jobs, the most this lookupd accepts per node (--max-jobs-per-node)`);
}

export function tooManyPids(nodeName: string, max: number): LookupdProtocolError {
  return new LookupdProtocolError('TOO_MANY_PIDS', 429, LOOKUPD_REASONS.tooManyPids,
    `REGISTER_PROCESS refused: node '${nodeName}' already registered ${max} pids, the most this lookupd accepts per node (--max-pids-per-node)`);
}

export function jobNotFound(nodeName: string, jobName: string): LookupdProtocolError {
  return new LookupdProtocolError('JOB_NOT_FOUND', 404, jobNotFoundReason(jobName),
    `process registration refused: node '${nodeName}' has not registered job '${jobName}'; send REGISTER_JOB first`);
}
