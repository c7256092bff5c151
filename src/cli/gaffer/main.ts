// Entry point of gaffer: the only place that sees process.argv and sets the exit status.
import { processIo } from '../shared/process-io.js';
import { runGaffer } from './program.js';

/** Run gaffer with `process.argv`. */
export async function main(argv: string[]): Promise<void> {
  const code = await runGaffer(argv.slice(2), processIo((status) => process.exit(status)));
  process.stdout.write('', () => process.exit(code));
}
