// Errors of the HTTP client: HTTP statuses become the project's GafferError
// subclasses (carrying the decoded body), and connection failures become one
// UnreachableError that names the address that failed.
import {
  BadRequestError, ConflictError, ForbiddenError, GafferError, NotFoundError, UnauthorizedError,
  type GafferErrorOptions,
} from '../errors.js';

/** gafferd could not be reached (connection refused, no socket, DNS, timeout, TLS). */
export class UnreachableError extends GafferError {
  /** The address as shown to operators. */
  readonly endpoint: string;
  /** The OS / TLS error code (`ECONNREFUSED`, `ENOENT`, `DEPTH_ZERO_SELF_SIGNED_CERT`...). */
  readonly errno: string;

  constructor(endpoint: string, errno: string, options?: GafferErrorOptions) {
    super('GAFFER_ERR_DAEMON_UNREACHABLE', 503, 'unreachable', `cannot reach gafferd at ${endpoint} (${errno})`, options);
    this.endpoint = endpoint;
    this.errno = errno;
  }

  /** True when the failure is about TLS (certificate, handshake) rather than the network. */
  get isTls(): boolean {
    return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_OSSL|EPROTO/i.test(this.errno);
  }
}

/** What a failed request said: method, path, status and the decoded body. */
export interface ResponseErrorDetails extends Record<string, unknown> {
  method: string;
  path: string;
  status: number;
  /** The decoded JSON body (or the text when it is not JSON). */
  body: unknown;
}

/**
 * The GafferError for an HTTP error status: 400 BadRequest, 401 Unauthorized,
 * 403 Forbidden, 404 NotFound, 409 Conflict, anything else a GafferError
 * with that status. `reason` is the body's reason (`not_found`...).
 */
export function errorFromResponse(method: string, path: string, status: number, body: unknown): GafferError {
  const reason = reasonOf(body) ?? `http_${status}`;
  const said = messageOf(body);
  const message = `${method} ${path} failed: ${reason} (HTTP ${status})${said === undefined ? '' : `: ${said}`}`;
  const field = typeof body === 'object' && body !== null && typeof (body as { field?: unknown }).field === 'string' ? (body as { field: string }).field : undefined;
  const options: GafferErrorOptions = { details: { method, path, status, body, ...(field === undefined ? {} : { field }) } satisfies ResponseErrorDetails };
  switch (status) {
    case 400: return new BadRequestError(reason, message, options);
    case 401: return new UnauthorizedError(reason, message, options);
    case 403: return new ForbiddenError(reason, message, options);
    case 404: return new NotFoundError(reason, message, options);
    case 409: return new ConflictError(reason, message, options);
    default: return new GafferError(`GAFFER_ERR_HTTP_${status}`, status, reason, message, options);
  }
}

/** The decoded body of an HTTP error raised by the client (undefined for other errors). */
export function responseBody(err: unknown): unknown {
  if (!(err instanceof GafferError) || err.details === undefined || !('body' in err.details)) return undefined;
  return err.details.body;
}

/** The readable `message` of an error body (gafferd >= this port), if any. */
export function messageOf(body: unknown): string | undefined {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.trim() !== '' ? message.trim().slice(0, 500) : undefined;
}

// `{"error": "not_found", "errno": 404, "reason": "not_found"}` and the older shapes.
function reasonOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : undefined;
  const { reason, error } = body as { reason?: unknown; error?: unknown };
  if (typeof reason === 'string') return reason;
  if (typeof error === 'string') return error;
  if (typeof reason === 'object' && reason !== null) return reasonOf(reason);
  return undefined;
}

/** The code of a connection-level error (`ECONNREFUSED`, a TLS code, or `ERROR`). */
export function connectionErrorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  if (typeof e?.code === 'string') return e.code;
  if (e instanceof Error && /timed out/i.test(e.message)) return 'ETIMEDOUT';
  return 'ERROR';
}
