import { NotFoundError, isGafferError } from '../../../errors.js';
import type { JobTarget } from '../context.js';

/** Run a request about one job; a 404 becomes `job '<app.name>' not found`. */
export async function jobNotFound<T>(target: JobTarget, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (isGafferError(err) && err.status === 404) throw new NotFoundError('not_found', `job '${target.sessionid}.${target.name}' not found`);
    throw err;
  }
}
