// Entry point of gafferctl: the only place that sees process.argv and sets the exit status.
import { processIo } from '../shared/process-io.js';
import { runGafferctl } from './program.js';

/** Run gafferctl with `process.argv`. */
export async function main(argv: string[]): Promise<void> {
  const code = await runGafferctl(argv.slice(2), processIo((status) => process.exit(status)));
  process.stdout.write('', () => process.exit(code));
}
