// One error vocabulary for the whole project: every error that can reach an
// operator or an HTTP client is a GafferError with a stable code, an HTTP
// status and the wire "reason" string of the original gaffer API.

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
  readonly code: string;
  readonly status: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, status: number, reason: string, message: string, options: GafferErrorOptions = {}) {
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

// GAFFER_ERR_<NOUN>_<PROBLEM> derived from the wire reason, e.g. not_found -> GAFFER_ERR_NOT_FOUND.
function codeFor(kind: string, reason: string): string {
  const noun = reason.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return noun ? `GAFFER_ERR_${noun}` : `GAFFER_ERR_${kind}`;
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
 * request member adds `field` and `message` (docs/http-api.md §2.4).
 */
export function errorBody(err: GafferError): ErrorBody {
  const body: ErrorBody = { error: err.reason, errno: err.status, reason: err.reason };
  const field = err.details?.field;
  if (typeof field === 'string') {
    body.field = field;
    body.message = err.message;
  } else if (EXPLAINED_REASONS.has(err.reason)) {
    body.message = err.message;
  }
  return body;
}

// Reasons this port added whose message is what an operator needs (why a rollout stopped).
const EXPLAINED_REASONS = new Set(['reload_failed', 'reload_in_progress']);

/** A 400 about one request member: `field` names it, the message says the rule (`numprocesses must be an integer >= 0`). */
export function fieldError(reason: string, field: string, rule: string, value: unknown): BadRequestError {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return new BadRequestError(reason, `${field} must be ${rule}${got}`, { details: { field } });
}
