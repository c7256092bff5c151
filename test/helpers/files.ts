import { readFileSync } from 'node:fs';
import { waitUntil } from './http.js';

/** Wait until the file holds `text` (log files are written asynchronously). */
export async function fileHolds(path: string, text: string, timeoutMs = 10000): Promise<void> {
  await waitUntil(() => {
    try {
      return readFileSync(path, 'utf8').includes(text);
    } catch {
      return false;
    }
  }, `${path} holds ${JSON.stringify(text)}`, timeoutMs);
}
