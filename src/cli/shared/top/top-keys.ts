// Key bindings of `gafferctl top`: the bytes read from a raw terminal are
// decoded into keys (arrows, page keys, a lone Esc, Ctrl-C, characters), and a
// key becomes one named action; the help lines list them. (readline's keypress
// decoder holds a lone Esc until the next key arrives, so it is not used.)

export type TopAction =
  | 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end'
  | 'scale-up' | 'scale-down' | 'restart' | 'toggle' | 'tail' | 'close-tail' | 'quit';

/** One decoded key: a name for special keys, `ctrl`/`meta` for modified ones. */
export interface Keypress { name?: string; sequence?: string; ctrl?: boolean; meta?: boolean }

const SEQUENCES: ReadonlyMap<string, string> = new Map([
  ['\x1b[A', 'up'], ['\x1b[B', 'down'], ['\x1b[C', 'right'], ['\x1b[D', 'left'],
  ['\x1bOA', 'up'], ['\x1bOB', 'down'], ['\x1bOC', 'right'], ['\x1bOD', 'left'],
  ['\x1b[5~', 'pageup'], ['\x1b[6~', 'pagedown'],
  ['\x1b[H', 'home'], ['\x1b[1~', 'home'], ['\x1bOH', 'home'], ['\x1b[F', 'end'], ['\x1b[4~', 'end'], ['\x1bOF', 'end'],
]);

/** Decode one chunk read from a raw terminal into keys (text is the character typed, for plain keys). */
export function decodeKeys(chunk: string): Array<{ text: string | undefined; key: Keypress }> {
  const keys: Array<{ text: string | undefined; key: Keypress }> = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i]!;
    if (ch === '\x1b') {
      const known = [...SEQUENCES.keys()].find((seq) => chunk.startsWith(seq, i));
      if (known) {
        keys.push({ text: undefined, key: { name: SEQUENCES.get(known)!, sequence: known } });
        i += known.length;
        continue;
      }
      const csi = /^\x1b[[O][0-9;?]*[@-~]/.exec(chunk.slice(i));
      if (csi) {
        keys.push({ text: undefined, key: { name: 'unknown', sequence: csi[0] } });
        i += csi[0].length;
        continue;
      }
      const next = chunk[i + 1];
      if (next === undefined || next === '\x1b') {
        keys.push({ text: undefined, key: { name: 'escape', sequence: ch } });
        i += 1;
      } else {
        keys.push({ text: undefined, key: { name: next, sequence: ch + next, meta: true } });
        i += 2;
      }
      continue;
    }
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') keys.push({ text: undefined, key: { name: 'return', sequence: ch } });
    else if (code < 0x20) keys.push({ text: undefined, key: { name: String.fromCharCode(code + 0x60), sequence: ch, ctrl: true } });
    else keys.push({ text: ch, key: { name: ch.toLowerCase(), sequence: ch } });
    i += 1;
  }
  return keys;
}

export const HELP_LINE = 'up/down select  +/- scale  r restart  s stop/start  t tail  q quit';
export const TAIL_HELP_LINE = 'up/down select  +/- scale  r restart  s stop/start  t tail  esc close  q quit';

/** The action of a key, or undefined for keys top ignores. */
export function actionOfKey(text: string | undefined, key: Keypress | undefined): TopAction | undefined {
  if (key?.ctrl && (key.name === 'c' || key.name === 'd')) return 'quit';
  if (key?.ctrl || key?.meta) return undefined;
  switch (key?.name) {
    case 'up': return 'up';
    case 'down': return 'down';
    case 'pageup': return 'page-up';
    case 'pagedown': return 'page-down';
    case 'home': return 'home';
    case 'end': return 'end';
    case 'escape': return 'close-tail';
    case 'return': case 'enter': return 'tail';
  }
  switch (text) {
    case 'k': return 'up';
    case 'j': return 'down';
    case '+': case '=': return 'scale-up';
    case '-': case '_': return 'scale-down';
    case 'r': case 'R': return 'restart';
    case 's': case 'S': return 'toggle';
    case 't': case 'T': case 'l': return 'tail';
    case 'q': case 'Q': return 'quit';
  }
  return undefined;
}
