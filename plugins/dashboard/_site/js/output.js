// The output pane: live lines of one process over STREAM:<pid>.<label> topics,
// each label in its own colour, bounded so a chatty process cannot grow the page.
import { h, setText } from './dom.js';

const MAX_LINES = 2000;

export class OutputPanel {
  #channel;
  #root;
  #lines;
  #title;
  #legend;
  #pause;
  #topics = [];
  #confirmed = new Set();
  #partial = new Map();
  #paused = false;
  #labels = [];
  #onClose;
  pid;

  constructor(root, channel, onClose) {
    this.#root = root;
    this.#channel = channel;
    this.#onClose = onClose;
    this.#lines = root.querySelector('#output-lines');
    this.#title = root.querySelector('#output-title');
    this.#legend = root.querySelector('#output-legend');
    this.#pause = root.querySelector('#output-pause');
    root.querySelector('#output-clear').addEventListener('click', () => this.#lines.replaceChildren());
    root.querySelector('#output-close').addEventListener('click', () => this.close());
    this.#pause.addEventListener('click', () => {
      this.#paused = !this.#paused;
      this.#pause.setAttribute('aria-pressed', String(this.#paused));
      setText(this.#pause, this.#paused ? 'Resume' : 'Pause');
      if (!this.#paused) this.#scroll();
    });
  }

  /** Show the output of `proc` (every label it has). */
  open(proc) {
    this.#unsubscribe();
    this.pid = proc.pid;
    this.#lines.replaceChildren();
    this.#partial.clear();
    setText(this.#title, `${proc.job} · pid ${proc.pid}`);
    this.#legend.replaceChildren(...proc.labels.map((label, i) => h('span', { class: `label label-${i % 3}` }, label)));
    this.#topics = proc.labels.map((label) => `STREAM:${proc.pid}.${label}`);
    this.#confirmed.clear();
    this.#root.dataset.live = 'false';
    for (const topic of this.#topics) this.#channel.subscribe(topic);
    this.#root.hidden = false;
    this.#labels = proc.labels;
  }

  /**
   * Put what `pid` printed before the tail opened (output history entries) above the live lines,
   * without repeating lines already shown live.
   */
  history(pid, entries) {
    if (pid !== this.pid || !Array.isArray(entries)) return;
    // Lines that came live while the history was fetched end the history too: drop that overlap.
    const live = [...this.#lines.querySelectorAll('.line:not(.system)')].map((el) => el.lastChild?.textContent);
    let overlap = Math.min(live.length, entries.length);
    while (overlap > 0 && !entries.slice(-overlap).every((e, i) => e.line === live[i])) overlap -= 1;
    const older = entries.slice(0, entries.length - overlap).map((e) => this.#historyLine(e));
    this.#lines.prepend(...older, h('span', { class: 'line system' }, h('span', { class: 'ts' }, ''), `${older.length} earlier line${older.length === 1 ? '' : 's'} from the output history`));
    this.#scroll();
  }

  /** Show the recent output of a whole job (every process, also exited ones): a snapshot, not live. */
  openHistory(full, entries) {
    this.#unsubscribe();
    this.pid = undefined;
    this.#lines.replaceChildren();
    this.#partial.clear();
    this.#labels = [];
    setText(this.#title, `${full} · recent output`);
    this.#legend.replaceChildren(h('span', { class: 'label label-0' }, 'stdout'), h('span', { class: 'label label-1' }, 'stderr'));
    this.#root.dataset.live = 'false';
    for (const entry of entries) this.#lines.append(this.#historyLine(entry));
    this.#system(entries.length === 0 ? 'no output recorded' : `the last ${entries.length} lines (pid shown first); not live`);
    this.#root.hidden = false;
  }

  #historyLine(entry) {
    const time = new Date(entry.time * 1000).toTimeString().slice(0, 8);
    return h('span', { class: `line ${entry.stream === 'stderr' ? 'label-1' : 'label-0'}` }, h('span', { class: 'ts' }, `${time} ${entry.pid}`), entry.line);
  }

  /** The server confirmed a STREAM subscription: once all are, output is live. */
  subscribed(topic) {
    if (!this.#topics.includes(topic) || this.#confirmed.has(topic)) return;
    this.#confirmed.add(topic);
    if (this.#confirmed.size === this.#topics.length) {
      this.#root.dataset.live = 'true';
      this.#system(`following ${this.#labels.join(' and ')}; new output appears below`);
    }
  }

  /** A STREAM subscription was refused (the process exited meanwhile, or the key may not read it). */
  refused(topic, reason) {
    if (!this.#topics.includes(topic)) return;
    this.#system(`cannot follow ${topic.slice(topic.indexOf('.') + 1)}: ${typeof reason === 'string' ? reason : reason?.error ?? 'refused'}`);
  }

  close() {
    this.#unsubscribe();
    this.pid = undefined;
    this.#root.hidden = true;
    this.#onClose();
  }

  /** A STREAM item: `{event: <label>|'READ', topic, pid, data}`. */
  append(item) {
    if (item.pid !== this.pid) return;
    const label = item.topic.slice(item.topic.indexOf('.') + 1);
    const text = (this.#partial.get(label) ?? '') + item.data;
    const parts = text.split('\n');
    this.#partial.set(label, parts.pop() ?? '');
    const index = Math.max(0, [...this.#legend.children].findIndex((el) => el.textContent === label));
    for (const line of parts) this.#line(line.replace(/\r$/, ''), `label-${index % 3}`);
  }

  /** The followed process exited. */
  exited(event) {
    if (event.pid !== this.pid) return;
    for (const [label, rest] of this.#partial) if (rest) this.#line(rest, 'label-0');
    this.#partial.clear();
    this.#system(`process exited (${event.term_signal ? `signal ${event.term_signal}` : `status ${event.exit_status}`})`);
    this.#unsubscribe();
    this.#root.dataset.live = 'false';
  }

  #line(text, cls) {
    const time = new Date().toTimeString().slice(0, 8);
    this.#lines.append(h('span', { class: `line ${cls}` }, h('span', { class: 'ts' }, time), text));
    while (this.#lines.childElementCount > MAX_LINES) this.#lines.firstElementChild.remove();
    this.#scroll();
  }

  #system(text) {
    this.#lines.append(h('span', { class: 'line system' }, h('span', { class: 'ts' }, new Date().toTimeString().slice(0, 8)), text));
    this.#scroll();
  }

  #scroll() {
    if (!this.#paused) this.#lines.scrollTop = this.#lines.scrollHeight;
  }

  #unsubscribe() {
    for (const topic of this.#topics) this.#channel.unsubscribe(topic);
    this.#topics = [];
  }
}
