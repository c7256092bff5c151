import { readFile } from 'node:fs/promises';
import { BadRequestError, NotFoundError } from '../../../errors.js';
import type { CtlCommand } from '../context.js';
import type { CliIo } from '../../shared/io.js';

export const loadProcess: CtlCommand = {
  name: 'load_process',
  summary: 'load a job from a JSON file (or - for stdin)',
  description: `Load a job from a JSON job config (config.md → JSON job config) read from
<file>, or from stdin when <file> is -. "name" and "cmd" are required. The
job is only started with --start.

HTTP: POST /processes

  $ gafferctl load_process ../test.json
  somename
  $ cat ../test.json | gafferctl load_process -
  $ gafferctl load_process - < ../test.json`,
  configure: (cmd) => {
    cmd.argument('<file>', 'JSON file, or - for stdin').option('--start', 'start the job once loaded');
  },
  async run(ctx, args, opts) {
    const [file] = args as [string];
    const config = await readJobFile(file, ctx.io);
    const client = await ctx.client();
    const reply = await client.addProcess(config, opts.start === true);
    ctx.result(config.name, reply);
  },
};

// Read and check a job file: an object with string "name" and "cmd".
async function readJobFile(file: string, io: CliIo): Promise<Record<string, unknown> & { name: string }> {
  let text: string;
  try {
    text = file === '-' ? await readStream(io.stdin) : await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('not_found', `'${file}' not found`);
    throw new BadRequestError('bad_value', `cannot read '${file}': ${(err as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError('invalid_json', `'${file}' is not valid JSON: ${(err as Error).message}`);
  }
  const c = config as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || Array.isArray(c) || typeof c.name !== 'string' || typeof c.cmd !== 'string') {
    throw new BadRequestError('invalid_process_info', 'name or cmd properties are missing');
  }
  return c as Record<string, unknown> & { name: string };
}

function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}
