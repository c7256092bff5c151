// Drives a program in a real pseudo-terminal through tmux: a private tmux
// server per session (its own socket), keys sent with send-keys, the screen
// read with capture-pane and polled until it matches (with a deadline). The
// pane stays after the program exits so its exit status can be read.
import { execFile } from 'node:child_process';
import { after } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
let counter = 0;

export interface TmuxSession {
  /** The visible screen as text (with `escapes`, SGR attributes included). */
  capture(escapes?: boolean): Promise<string>;
  /** The main screen's scrollback and visible lines (what a program printed after leaving the alternate screen). */
  captureHistory(): Promise<string>;
  /** Poll the screen until `test` holds; rejects with the last screen after `timeoutMs`. */
  waitForScreen(test: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** tmux key names (`Down`, `Escape`, `C-c`) or literal text with `literal`. */
  sendKeys(keys: string[], literal?: boolean): Promise<void>;
  /** A tmux format of the pane (`#{alternate_on}`, `#{pane_dead_status}`...). */
  display(format: string): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  /** Kill the tmux server (and the program if still running). */
  kill(): Promise<void>;
}

/** Start `command` (a shell command line) in a new detached tmux session of the given size. */
export async function startTmux(command: string, columns = 120, rows = 40): Promise<TmuxSession> {
  const socket = `gaffer-test-${process.pid}-${++counter}`;
  const tmux = async (...args: string[]): Promise<string> => (await run('tmux', ['-L', socket, '-f', '/dev/null', ...args])).stdout;
  await tmux('new-session', '-d', '-s', 'top', '-x', String(columns), '-y', String(rows), command, ';', 'set-option', '-t', 'top', 'remain-on-exit', 'on');
  let killed = false;
  const kill = async (): Promise<void> => {
    if (killed) return;
    killed = true;
    await tmux('kill-server').catch(() => undefined);
  };
  after(kill);
  const capture = (escapes = false): Promise<string> => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'top');
  return {
    capture,
    captureHistory: () => tmux('capture-pane', '-p', '-S', '-', '-t', 'top'),
    async waitForScreen(test, timeoutMs = 20_000) {
      const matches = typeof test === 'function' ? test : (s: string) => test.test(s);
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = await capture();
        if (matches(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`the screen did not match ${String(test)} within ${timeoutMs} ms; last screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async sendKeys(keys, literal = false) {
      await tmux('send-keys', '-t', 'top', ...(literal ? ['-l'] : []), ...keys);
    },
    async display(format) {
      return (await tmux('display-message', '-p', '-t', 'top', format)).trim();
    },
    async resize(columns, rows) {
      await tmux('resize-window', '-t', 'top', '-x', String(columns), '-y', String(rows));
    },
    kill,
  };
}
