// Job files for `gaffer load <file>` and `--from-file` (config.md → Job
// files): one JSON job, or `{"jobs": [...]}`; `app.job` names pick a session.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { parseJobName } from '../../util/names.js';
import type { CliIo } from '../shared/io.js';

export interface FileJob {
  /** Session given by the job name (`app.job`), if any. */
  sessionid: string | undefined;
  name: string;
  config: Record<string, unknown>;
}

/** Read `-` (stdin) or a file; every job needs a string `name` and `cmd` (`invalid job config`). */
export async function readJobFile(path: string, io: CliIo): Promise<FileJob[]> {
  let text: string;
  try {
    text = path === '-' ? await readAll(io.stdin) : await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('not_found', `job file '${path}' not found`);
    throw new BadRequestError('bad_value', `cannot read job file '${path}': ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError('invalid_json', `job file '${path}' is not valid JSON: ${(err as Error).message}`);
  }
  const list = isObject(data) && Array.isArray(data.jobs) ? data.jobs : [data];
  return list.map((job) => {
    if (!isObject(job) || typeof job.name !== 'string' || typeof job.cmd !== 'string' || job.name === '') {
      throw new BadRequestError('invalid_process_info', 'invalid job config');
    }
    const hasSession = /[./:]/.test(job.name);
    const d = parseJobName(job.name);
    return { sessionid: hasSession ? d.sessionid : undefined, name: d.name, config: job };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.once('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}
