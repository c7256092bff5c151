// Server-Sent Events parsing (text/event-stream): `event:`/`data:`/`id:`
// fields, `\n`, `\r\n` or `\r` line ends, a blank line dispatches. Bytes are
// decoded across chunk boundaries; a lone `\n` (gafferd's heartbeat) yields nothing.
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` field (default `message`). */
  type: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  id?: string;
}

/** Longest pending (undispatched) text kept; beyond it the event is dropped. */
export const MAX_SSE_EVENT_LENGTH = 4 * 1024 * 1024;

export class SseParser {
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #type = '';
  #data: string[] = [];
  #id: string | undefined;
  #size = 0;
  #pendingCr = false;

  /** Feed a chunk; returns the events it completed. */
  push(chunk: Buffer | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    // A `\r` ending the previous chunk already ended a line: drop the `\n` of its `\r\n`.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = text.endsWith('\r');
    this.#buffer += text;
    const events: SseEvent[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      const event = this.#line(line);
      if (event) events.push(event);
    }
    if (this.#buffer.length > MAX_SSE_EVENT_LENGTH) {
      this.#buffer = '';
      this.#reset();
    }
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') {
      this.#size += value.length;
      if (this.#size > MAX_SSE_EVENT_LENGTH) this.#reset();
      else this.#data.push(value);
    } else if (field === 'id') this.#id = value;
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    if (this.#data.length === 0) {
      this.#type = '';
      return undefined;
    }
    const event: SseEvent = { type: this.#type || 'message', data: this.#data.join('\n') };
    if (this.#id !== undefined) event.id = this.#id;
    this.#reset();
    return event;
  }

  #reset(): void {
    this.#type = '';
    this.#data = [];
    this.#size = 0;
  }
}
