// One error vocabulary for the whole project: every error that can reach an
// operator or an HTTP client is a GafferError with a stable code (registered
// in error-codes.ts), an HTTP status and the wire "reason" string of the
// original gaffer API. toWireError is how every endpoint sees an error.
import { ERROR_CODES, codeOfReason, isErrorCode, type ErrorCode, type ErrorSpec } from './error-codes.js';

export { ERROR_CODES, ERROR_CODE_FAMILIES, isErrorCode, type ErrorCode, type ErrorSpec } from './error-codes.js';

/** A code an error may carry: a registered one, or one of the families of docs/errors.md. */
export type GafferErrorCode = ErrorCode | `GAFFER_ERR_HTTP_${number}` | `GAFFER_ERR_CHANNEL_${string}`;

export interface GafferErrorOptions {
  cause?: unknown;
  /** Extra machine-readable details (job name, pid, expected form...). */
  details?: Record<string, unknown>;
}

/** The JSON body of an HTTP error (docs/http-api.md §2.4). */
export interface ErrorBody {
  error: string;
  errno: number;
  reason: string;
  /** With `field`: a sentence for a human naming the member and the rule. */
  message?: string;
  /** The request member at fault (`numprocesses`, `name`...). */
  field?: string;
}

/** Base class: `code` is stable (GAFFER_ERR_*), `status` is the HTTP status, `reason` the wire reason. */
export class GafferError extends Error {
  readonly code: GafferErrorCode;
  readonly status: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: GafferErrorCode, status: number, reason: string, message: string, options: GafferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.reason = reason;
    this.details = options.details;
  }

  /** The input member this error is about (`numprocesses`), when it is about one. */
  get field(): string | undefined {
    return typeof this.details?.field === 'string' ? this.details.field : undefined;
  }

  /** The unified error body of the HTTP API: `{error, errno, reason}`, plus `field` and `message` for a bad member. */
  toJSON(): ErrorBody {
    return errorBody(this);
  }
}

export class BadRequestError extends GafferError {
  constructor(reason: string, message: string, options?: GafferErrorOptions) {
    super(codeFor('BAD_REQUEST', reason), 400, reason, message, options);
  }
}

export class UnauthorizedError extends GafferError {
  constructor(reason: string, message: string, options?: GafferErrorOptions) {
    super(codeFor('UNAUTHORIZED', reason), 401, reason, message, options);
  }
}

export class ForbiddenError extends GafferError {
  constructor(reason: string, message: string, options?: GafferErrorOptions) {
    super(codeFor('FORBIDDEN', reason), 403, reason, message, options);
  }
}

export class NotFoundError extends GafferError {
  constructor(reason: string, message: string, options?: GafferErrorOptions) {
    super(codeFor('NOT_FOUND', reason), 404, reason, message, options);
  }
}

export class ConflictError extends GafferError {
  constructor(reason: string, message: string, options?: GafferErrorOptions) {
    super(codeFor('CONFLICT', reason), 409, reason, message, options);
  }
}

/** A process could not be spawned (missing binary, bad cwd, uid not permitted...). */
export class SpawnError extends GafferError {
  constructor(message: string, options?: GafferErrorOptions) {
    super('GAFFER_ERR_PROCESS_SPAWN', 500, 'spawn_failed', message, options);
  }
}

/** The configuration file or a command-line option is invalid. */
export class ConfigError extends GafferError {
  constructor(message: string, options?: GafferErrorOptions) {
    super('GAFFER_ERR_CONFIG_INVALID', 400, 'invalid_config', message, options);
  }
}

/** The manager is stopping or stopped and refuses new work. */
export class StoppedError extends GafferError {
  constructor(message = 'the manager is stopping; no new work is accepted') {
    super('GAFFER_ERR_MANAGER_STOPPED', 503, 'manager_stopped', message);
  }
}

// The registered code named after the wire reason (not_found -> GAFFER_ERR_NOT_FOUND), else the class's
// own code (a client re-raising a reason this version does not know: GAFFER_ERR_NOT_FOUND for a 404).
function codeFor(kind: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT', reason: string): ErrorCode {
  return codeOfReason(reason) ?? `GAFFER_ERR_${kind}`;
}

/**
 * A GafferError of a registered code: status and reason from the registry,
 * the message given or the registry's default.
 */
export function gafferError(code: ErrorCode, message?: string, options?: GafferErrorOptions & { reason?: string }): GafferError {
  const spec = ERROR_CODES[code];
  return new GafferError(code, spec.status, options?.reason ?? spec.reason, message ?? spec.message, options);
}

/** True when `err` is a GafferError (also across duplicated module instances). */
export function isGafferError(err: unknown): err is GafferError {
  return err instanceof GafferError ||
    (typeof err === 'object' && err !== null && typeof (err as GafferError).code === 'string' &&
      typeof (err as GafferError).status === 'number' && typeof (err as GafferError).reason === 'string');
}

/**
 * The HTTP body of a GafferError (also one from a duplicated module
 * instance): `{error, errno, reason}` as in gaffer; an error about one
 * request member adds `field` and `message`; a code the registry marks
 * `explained` (the rolling-reload conflicts) adds `message` (docs/http-api.md §2.4).
 */
export function errorBody(err: GafferError | WireError): ErrorBody {
  const wire = 'isInternal' in err ? err : toWireError(err);
  const body: ErrorBody = { error: wire.reason, errno: wire.status, reason: wire.reason };
  if (wire.field !== undefined) {
    body.field = wire.field;
    body.message = wire.message;
  } else if (isErrorCode(wire.code) && (ERROR_CODES[wire.code] as ErrorSpec).explained) {
    body.message = wire.message;
  }
  return body;
}

/** A 400 about one request member: `field` names it, the message says the rule (`numprocesses must be an integer >= 0`). */
export function fieldError(reason: string, field: string, rule: string, value: unknown): BadRequestError {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return new BadRequestError(reason, `${field} must be ${rule}${got}`, { details: { field } });
}

/** An error as every endpoint sends it: HTTP bodies, websocket messages and frames, channel and lookupd replies. */
export interface WireError {
  /** HTTP status, the `errno` of socket replies. */
  status: number;
  reason: string;
  code: GafferErrorCode;
  message: string;
  /** The request member at fault, when the error is about one. */
  field?: string;
  /** Not a GafferError: a bug, to be logged with its stack (its message is never sent). */
  isInternal: boolean;
}

/**
 * The one translation of a thrown value for the wire: a GafferError keeps its
 * status, reason and code; anything else becomes `fallback` (default
 * GAFFER_ERR_INTERNAL: 500 `internal_error`) with its registered status and reason.
 */
export function toWireError(err: unknown, fallback: ErrorCode = 'GAFFER_ERR_INTERNAL'): WireError {
  if (isGafferError(err)) {
    const field = err.details?.field;
    return {
      status: err.status, reason: err.reason, code: err.code, message: err.message,
      ...(typeof field === 'string' ? { field } : {}), isInternal: false,
    };
  }
  const spec = ERROR_CODES[fallback];
  const message = err instanceof Error ? err.message : String(err);
  return { status: spec.status, reason: spec.reason, code: fallback, message, isInternal: true };
}
