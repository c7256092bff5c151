// The 0.4 API's wire reasons where they differ from the core's vocabulary.
import { parseSignal } from '../../util/signals.js';
import { renameReason } from '../route-support.js';

/** Core reason -> 0.4 reason (0.4 answers `bad_value` for any bad path value, a signal included). */
const V04_REASONS: Readonly<Record<string, string>> = { bad_signal: 'bad_value' };

/** Re-issue a core error under its 0.4 reason (same status, message and code). */
export function toV04Error(err: unknown): unknown {
  return renameReason(err, (e) => V04_REASONS[e.reason]);
}

/** A signal in a 0.4 path (`_signal/<sig>`): its number, or 400 `bad_value`. */
export function parseV04Signal(text: string | undefined): number {
  try {
    return parseSignal(text);
  } catch (err) {
    throw toV04Error(err);
  }
}
