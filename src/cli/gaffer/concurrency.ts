// The -c/--concurrency option of gaffer start/load/export, read strictly:
// every `<type>=<n>` pair must be well formed (a usage error otherwise), so a
// typo never silently runs the default of one process.
import { UsageError } from '../shared/usage-error.js';

/** `web=2,worker=1` (the option may be repeated) → type → count; throws UsageError on a bad pair. */
export function parseConcurrencyOption(specs: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const spec of specs) {
    for (const pair of spec.split(',')) {
      const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(pair);
      if (!m) {
        throw new UsageError(`invalid concurrency '${pair.trim()}': expected <type>=<n> with n a whole number >= 0, e.g. web=2 (several: web=2,worker=1)`);
      }
      out.set(m[1]!, Number(m[2]));
    }
  }
  return out;
}
