import { Chalk, type ChalkInstance } from 'chalk';
import type { Application } from '../core/application.js';
import type { Manager } from '../core/manager.js';
import type { ManagedProcess, OutputChunk } from '../core/managed-process.js';
import { DEFAULT_CONSOLE_EVENTS, LEGACY_PER_JOB, type EventPayload } from '../protocol/events.js';
import { formatClock } from '../util/duration.js';
import { LineSplitter } from '../util/lines.js';
import { legacyName, parseJobName } from '../util/names.js';
import { legacyEventsOf } from '../legacy/legacy-events.js';

export interface ConsoleOutputOptions {
  /** Where lines go (default process.stdout). */
  output?: { write(text: string): unknown };
  /** Legacy event patterns to print (default: start, stop, spawn, reap, exit, stop_pid). */
  events?: readonly string[];
  /** Print the output lines of processes with redirected output. */
  streams?: boolean;
  /** ANSI colours per name (the caller decides: a TTY and no NO_COLOR). */
  color?: boolean;
  /** The label printed for a process's output (default: its legacy job name). */
  labelFor?: (process: ManagedProcess) => string;
  /** Clock for the time stamp (tests). */
  now?: () => Date;
}

// Colour rotation of the original console: normal colours, then their bright versions.
const ROTATION = ['cyan', 'yellow', 'green', 'magenta', 'red', 'blue',
  'cyanBright', 'yellowBright', 'greenBright', 'magentaBright', 'redBright', 'blueBright'] as const;

/**
 * Prints events (legacy stream) and process output as `HH:MM:SS <name> | <text>`,
 * each name in its own colour when colours are enabled.
 */
export class ConsoleOutput implements Application {
  readonly name = 'console-output';
  readonly #options: ConsoleOutputOptions;
  readonly #chalk: ChalkInstance;
  readonly #colours = new Map<string, (text: string) => string>();
  readonly #splitters = new Map<string, { splitter: LineSplitter; label: string }>();
  #manager: Manager | undefined;
  #unsubscribe: Array<() => void> = [];

  constructor(options: ConsoleOutputOptions = {}) {
    this.#options = options;
    this.#chalk = new Chalk({ level: options.color ? 1 : 0 });
  }

  start(manager: Manager): void {
    this.#manager = manager;
    const patterns = this.#options.events ?? DEFAULT_CONSOLE_EVENTS;
    // Subscribed to every event ('.'), each per-job companion (`proc.<name>.spawn`) repeats a global
    // event already printed (`spawn`): print each event once.
    const everything = patterns.includes('.');
    const listener = (type: string, payload: EventPayload): void => {
      if (everything && isCompanion(type, payload)) return;
      this.#printEvent(type, payload);
    };
    for (const pattern of patterns) {
      legacyEventsOf(manager).subscribe(pattern, listener);
      this.#unsubscribe.push(() => legacyEventsOf(manager).unsubscribe(pattern, listener));
    }
    if (this.#options.streams) {
      this.#unsubscribe.push(manager.onOutput((chunk, proc) => this.#printOutput(chunk, proc)));
      const flush = (_type: string, payload: EventPayload): void => this.#flush(payload);
      manager.events.subscribe('exit', flush);
      this.#unsubscribe.push(() => manager.events.unsubscribe('exit', flush));
    }
  }

  stop(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const key of [...this.#splitters.keys()]) this.#flushKey(key);
    this.#manager = undefined;
  }

  restart(): void {
    const manager = this.#manager;
    this.stop();
    if (manager) this.start(manager);
  }

  /** Write one `HH:MM:SS <name> | <text>` line. */
  print(name: string, text: string): void {
    const time = formatClock(this.#options.now?.() ?? new Date());
    const out = this.#options.output ?? process.stdout;
    out.write(`${this.#colour(name)(`${time} ${name} |`)} ${text}\n`);
  }

  #printEvent(type: string, payload: EventPayload): void {
    const name = String(payload.name ?? '');
    if (typeof payload.os_pid === 'number') {
      this.print(name, type === 'spawn' ? `spawn process with pid ${payload.os_pid}` : `${type} process with pid ${payload.os_pid}`);
    } else {
      this.print(name, `${type} ${name}`);
    }
  }

  #printOutput(chunk: OutputChunk, proc: ManagedProcess): void {
    const key = `${proc.pid}\u0000${chunk.label}`;
    let entry = this.#splitters.get(key);
    if (!entry) {
      entry = { splitter: new LineSplitter(), label: this.#options.labelFor?.(proc) ?? legacyOf(proc.name) };
      this.#splitters.set(key, entry);
    }
    for (const line of entry.splitter.push(chunk.data)) this.#printLine(entry.label, line);
  }

  // A last line without a newline is printed when its process exits.
  #flush(payload: EventPayload): void {
    const prefix = `${String(payload.pid)}\u0000`;
    for (const key of [...this.#splitters.keys()]) if (key.startsWith(prefix)) this.#flushKey(key);
  }

  #flushKey(key: string): void {
    const entry = this.#splitters.get(key);
    this.#splitters.delete(key);
    if (!entry) return;
    for (const line of entry.splitter.end()) this.#printLine(entry.label, line);
  }

  #printLine(label: string, line: string): void {
    const text = line.trim();
    if (text) this.print(label, text);
  }

  #colour(name: string): (text: string) => string {
    let colour = this.#colours.get(name);
    if (!colour) {
      const style = ROTATION[this.#colours.size % ROTATION.length]!;
      colour = (text: string): string => this.#chalk[style](text);
      this.#colours.set(name, colour);
    }
    return colour;
  }
}

function legacyOf(full: string): string {
  const d = parseJobName(full);
  return legacyName(d.sessionid, d.name);
}

// `proc.<legacy name>.<action>`: the per-job copy of a global legacy event.
function isCompanion(type: string, payload: EventPayload): boolean {
  const action = type.slice(type.lastIndexOf('.') + 1);
  return LEGACY_PER_JOB.has(action) && type === `proc.${String(payload.name ?? '')}.${action}`;
}
