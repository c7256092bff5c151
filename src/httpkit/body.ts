import type { IncomingMessage } from 'node:http';
import { BadRequestError, GafferError } from '../errors.js';

/** Default limit of a JSON request body. */
export const DEFAULT_JSON_LIMIT = 1024 * 1024;
/** Default limit of a raw stdin write (`POST /streams/<pid>/stdin`). */
export const DEFAULT_STDIN_LIMIT = 8 * 1024 * 1024;
/**
 * A body over its limit is still read and discarded up to this many bytes,
 * so that clients which only read the response after sending everything get
 * the 413; beyond it the connection is closed right away.
 */
export const DISCARD_LIMIT = 64 * 1024 * 1024;

/** The body exceeded its limit: 413 `body_too_large`. */
export class BodyTooLargeError extends GafferError {
  constructor(limit: number) {
    super('GAFFER_ERR_BODY_TOO_LARGE', 413, 'body_too_large', `request body larger than ${limit} bytes; send less data per request`);
  }
}

const bodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/**
 * Read a request body into one Buffer, at most `limit` bytes (413 above).
 * Memoised per request: a second call (e.g. a permission check that needs
 * the body, then the handler) gets the same promise.
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_JSON_LIMIT): Promise<Buffer> {
  let body = bodies.get(req);
  if (!body) {
    body = collect(req, limit);
    bodies.set(req, body);
  }
  return body;
}

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (req.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > DISCARD_LIMIT) {
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_LIMIT) {
        settle(() => reject(new BodyTooLargeError(limit)));
        return;
      }
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => settle(() => (size > limit ? reject(new BodyTooLargeError(limit)) : resolve(Buffer.concat(chunks)))));
    req.once('error', (err) => settle(() => reject(new BadRequestError('bad_request', `reading the request body failed: ${err.message}`, { cause: err }))));
    req.once('close', () => settle(() => reject(new BadRequestError('bad_request', 'the client closed the connection before sending the whole body'))));
  });
}

export interface ReadJsonOptions {
  /** Reason of the 400 for a body that is not JSON (`invalid_json` for 0.4 routes, `bad_request` for 0.5). */
  reason: string;
  limit?: number;
  /** An empty (or blank) body yields `undefined` instead of a 400. */
  allowEmpty?: boolean;
}

/** Read and parse a JSON body; a malformed one is a 400 with the route's reason. */
export async function readJson(req: IncomingMessage, options: ReadJsonOptions): Promise<unknown> {
  const text = (await readBody(req, options.limit ?? DEFAULT_JSON_LIMIT)).toString('utf8');
  if (text.trim() === '') {
    if (options.allowEmpty) return undefined;
    throw new BadRequestError(options.reason, 'the request body is empty: expected a JSON document');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadRequestError(options.reason, `the request body is not valid JSON (${(err as Error).message})`);
  }
}
