// One job: its state, target and controls, and a row per process with live
// CPU and memory. Built once and updated in place, so menus and focus survive
// the many updates a live page gets.
import { SIGNALS, formatUptime, h, setText } from './dom.js';
import { crashSummary, isStopped, jobState } from './crash.js';

export class JobCard {
  #actions;
  #rows = new Map();
  #tailing;
  el;
  #name;
  #badge;
  #counts;
  #cmd;
  #crash;
  #job;
  #target;
  #startButton;
  #stopButton;
  #body;
  #table;
  #empty;

  /**
   * `actions`: scale(full, value), setState(full, '1'|'0'|'2'), signalJob(full, sig),
   * signalProcess(pid, sig), stopProcess(pid), tail(pid), history(full).
   */
  constructor(full, actions) {
    this.full = full;
    this.#actions = actions;
    const act = (fn) => (event) => {
      event.preventDefault();
      fn();
    };
    this.#name = h('span', { class: 'job-name' }, full);
    this.#badge = h('span', { class: 'badge' });
    this.#counts = h('span', { class: 'job-counts' });
    this.#cmd = h('div', { class: 'job-cmd' });
    this.#crash = h('div', { class: 'job-crash', role: 'status', hidden: true });
    this.#target = h('input', {
      class: 'input input-count', type: 'number', min: '0', inputmode: 'numeric', 'aria-label': `Number of processes of ${full}`,
      onchange: () => this.#setTarget(), onkeydown: (e) => { if (e.key === 'Enter') this.#setTarget(); },
    });
    this.#startButton = h('button', { class: 'btn', type: 'button', onclick: act(() => actions.setState(full, '1')) }, 'Start');
    this.#stopButton = h('button', { class: 'btn btn-danger', type: 'button', onclick: act(() => actions.setState(full, '0')) }, 'Stop');
    const signal = h('select', { 'aria-label': `Signal for every process of ${full}` }, SIGNALS.map((s) => h('option', { value: s }, s)));
    this.#body = h('tbody');
    this.#empty = h('div', { class: 'no-procs' }, 'No process running.');
    this.el = h('article', { class: 'job', dataset: { job: full }, 'aria-label': `Job ${full}` },
      h('div', { class: 'job-head' },
        h('div', { class: 'job-title' }, h('div', {}, h('div', {}, this.#name, ' ', this.#badge), this.#cmd, this.#crash)),
        this.#counts,
        h('div', { class: 'job-controls' },
          h('span', { class: 'group' },
            h('button', { class: 'btn btn-icon', type: 'button', 'aria-label': 'Scale down', title: 'One process less', onclick: act(() => actions.scale(full, '-1')) }, '−'),
            this.#target,
            h('button', { class: 'btn btn-icon', type: 'button', 'aria-label': 'Scale up', title: 'One process more', onclick: act(() => actions.scale(full, '+1')) }, '+')),
          h('span', { class: 'group' },
            this.#startButton,
            this.#stopButton,
            h('button', { class: 'btn', type: 'button', title: 'Stop every process and start fresh ones', onclick: act(() => actions.setState(full, '2')) }, 'Restart')),
          h('span', { class: 'group' },
            h('span', { class: 'group-label' }, 'signal'),
            signal,
            h('button', { class: 'btn', type: 'button', 'aria-label': 'Send signal', title: 'Send this signal to every process of the job', onclick: act(() => actions.signalJob(full, signal.value)) }, 'Send')),
          h('span', { class: 'group' },
            h('button', {
              class: 'btn', type: 'button', 'aria-label': `Recent output of ${full}`,
              title: 'The last lines the job printed (stdout and stderr), also of processes that have exited', onclick: act(() => actions.history(full)),
            }, 'Recent output')))),
      this.#table = h('table', { class: 'procs' },
        h('thead', {}, h('tr', {}, ['pid', 'os pid', 'uptime', 'cpu', 'memory', ''].map((t) => h('th', {}, t)))),
        this.#body),
      this.#empty);
  }

  /** Show the job's latest info. */
  update(job, processes) {
    this.#job = job;
    const state = jobState(job);
    setText(this.#badge, state.label);
    this.#badge.className = `badge badge-${state.kind}`;
    const stopped = isStopped(job);
    this.el.classList.toggle('is-stopped', stopped);
    this.el.classList.toggle('is-crashing', state.kind === 'flapping');
    this.#showCrash(Date.now());
    setText(this.#counts, `${job.running - job.runningOut} / ${job.target} process${job.target === 1 ? '' : 'es'}${job.runningOut ? ` · ${job.runningOut} one-off` : ''}`);
    setText(this.#cmd, job.cmd);
    this.#cmd.title = job.cmd;
    if (document.activeElement !== this.#target) this.#target.value = String(job.target);
    this.#startButton.disabled = !stopped;
    this.#stopButton.disabled = stopped;
    const pids = new Set(processes.map((p) => p.pid));
    for (const [pid, row] of this.#rows) {
      if (!pids.has(pid)) {
        row.el.remove();
        this.#rows.delete(pid);
      }
    }
    for (const proc of processes) {
      let row = this.#rows.get(proc.pid);
      if (!row) {
        row = this.#makeRow(proc);
        this.#rows.set(proc.pid, row);
        this.#body.append(row.el);
      }
      row.el.classList.toggle('stopping', proc.stopping);
      row.el.classList.toggle('tailing', this.#tailing === proc.pid);
      this.#showStats(row, proc);
    }
    this.#empty.hidden = processes.length > 0;
    this.#table.hidden = processes.length === 0;
  }

  /** New stats for one process. */
  stats(proc) {
    const row = this.#rows.get(proc.pid);
    if (row) this.#showStats(row, proc);
  }

  /** Mark the process whose output is shown. */
  setTailing(pid) {
    this.#tailing = pid;
    for (const [rowPid, row] of this.#rows) row.el.classList.toggle('tailing', rowPid === pid);
  }

  /** Refresh the uptimes (called every second). */
  tick(now) {
    for (const row of this.#rows.values()) setText(row.uptime, formatUptime(row.proc.createTime, now));
    this.#showCrash(now);
  }

  // The last exit, restarts and next retry of a job whose processes exited unexpectedly.
  #showCrash(now) {
    const text = this.#job ? crashSummary(this.#job, now) : '';
    setText(this.#crash, text);
    this.#crash.hidden = text === '';
  }

  #setTarget() {
    const n = Number(this.#target.value);
    if (Number.isInteger(n) && n >= 0) this.#actions.scale(this.full, `=${n}`);
  }

  #makeRow(proc) {
    const cpu = h('span', { class: 'num' }, '–');
    const cpuBar = h('span');
    const mem = h('span', { class: 'num' }, '–');
    const uptime = h('span', { class: 'num' }, formatUptime(proc.createTime));
    const signal = h('select', {
      class: 'btn-small', 'aria-label': `Signal for process ${proc.pid}`,
      onchange: (e) => {
        if (e.target.value) this.#actions.signalProcess(proc.pid, e.target.value);
        e.target.value = '';
      },
    }, h('option', { value: '' }, 'signal…'), SIGNALS.map((s) => h('option', { value: s }, s)));
    const el = h('tr', { dataset: { pid: String(proc.pid) } },
      h('td', { class: 'num' }, String(proc.pid), proc.once ? [' ', h('span', { class: 'badge badge-oneoff' }, 'one-off')] : []),
      h('td', { class: 'num' }, String(proc.osPid)),
      h('td', {}, uptime),
      h('td', {}, cpu, h('span', { class: 'bar', 'aria-hidden': 'true' }, cpuBar)),
      h('td', {}, mem),
      h('td', { class: 'actions' },
        h('button', {
          class: 'btn btn-small', type: 'button', 'aria-label': `Tail output of process ${proc.pid}`, disabled: proc.labels.length === 0,
          title: proc.labels.length === 0 ? 'This job does not redirect its output' : 'Show the output live', onclick: () => this.#actions.tail(proc.pid),
        }, 'Tail'),
        signal,
        h('button', { class: 'btn btn-small btn-danger', type: 'button', 'aria-label': `Stop process ${proc.pid}`, onclick: () => this.#actions.stopProcess(proc.pid) }, 'Stop')));
    return { el, proc, cpu, cpuBar, mem, uptime };
  }

  #showStats(row, proc) {
    row.proc = proc;
    const s = proc.stats;
    if (!s) return;
    const cpu = typeof s.cpu === 'number' ? s.cpu : Number(s.cpu);
    setText(row.cpu, Number.isFinite(cpu) ? `${cpu.toFixed(1)}%` : String(s.cpu));
    row.cpuBar.style.width = `${Math.min(100, Number.isFinite(cpu) ? cpu : 0)}%`;
    setText(row.mem, `${s.mem_info1}${typeof s.mem === 'number' ? ` · ${s.mem.toFixed(1)}%` : ''}`);
  }
}
