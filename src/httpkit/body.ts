import type { IncomingMessage } from 'node:http';
import { BadRequestError, GafferError } from '../errors.js';
import { MAX_JSON_DEPTH, exceedsJsonDepth } from '../util/json-depth.js';

/** Default limit of a JSON request body. */
export const DEFAULT_JSON_LIMIT = 1024 * 1024;
/** Default limit of a raw stdin write (`POST /streams/<pid>/stdin`). */
export const DEFAULT_STDIN_LIMIT = 8 * 1024 * 1024;
/**
 * A body over its limit gets its 413 at once; the rest is still read and
 * discarded up to this many bytes in all, so that the connection is not
 * reset under the answer (clients that read only after sending everything
 * get it too); beyond it the connection is closed.
 */
export const DISCARD_LIMIT = 256 * 1024 * 1024;

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
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    // Over the limit: answer now (the caller sends the 413) and keep discarding what still comes.
    const refuse = (): void => {
      chunks.length = 0;
      settle(() => reject(new BodyTooLargeError(limit)));
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_LIMIT) {
        refuse();
        req.destroy();
        return;
      }
      if (settled) return;
      if (size > limit) refuse();
      else chunks.push(chunk);
    });
    req.once('end', () => settle(() => resolve(Buffer.concat(chunks))));
    req.once('error', (err) => settle(() => reject(new BadRequestError('bad_request', `reading the request body failed: ${err.message}`, { cause: err }))));
    req.once('close', () => settle(() => reject(new BadRequestError('bad_request', 'the client closed the connection before sending the whole body'))));
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) refuse();
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
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError('json_too_deep', `the request body nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep; send a flatter document`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadRequestError(options.reason, `the request body is not valid JSON (${(err as Error).message})`);
  }
}
