import type { GafferClient } from '../../client/gaffer-client.js';
import { isGafferError } from '../../errors.js';

/** The jobs (full names) of an application, or of every application; undefined when gafferd has no such session. */
export async function appJobs(client: GafferClient, app: string | undefined): Promise<string[] | undefined> {
  try {
    return await client.jobs(app);
  } catch (err) {
    if (isGafferError(err) && err.status === 404) return undefined;
    throw err;
  }
}
