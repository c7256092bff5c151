// The gaffer dashboard: sessions, jobs and processes of the gafferd that serves
// this page, live. It uses only the public HTTP API (reads and actions) and
// the /channel endpoint (EVENTS, STATS:<pid>, STREAM:<pid>.<label>).
import { Api, ApiError, jobPath } from './api.js';
import { Channel } from './channel.js';
import { h, setText } from './dom.js';
import { JobCard } from './job-card.js';
import { KeyStore, setupKeyDialog } from './keys.js';
import { OutputPanel } from './output.js';
import { Store } from './store.js';

const params = new URLSearchParams(location.search);
const base = params.get('api') ?? location.origin;
const keys = new KeyStore();
const api = new Api(base, keys);
const $ = (id) => document.getElementById(id);

const cards = new Map();
// Lines of the output history shown by Tail and Recent output.
const HISTORY_LINES = 200;
const sessionSections = new Map();

const channel = new Channel(base, keys, {
  onEvent,
  onStatus: showConnection,
  onAuthRequired: (reason) => askForKey(reason?.errno ?? 401),
  onReconnect: () => scheduleRefresh(),
  onSubscribed: (topic) => output.subscribed(topic),
  onSubscriptionError: (topic, reason) => {
    if (topic === 'EVENTS' && reason === 'forbidden') startPolling();
    else output.refused(topic, reason);
  },
}, params.get('transport') ?? undefined);

const output = new OutputPanel($('output'), channel, () => {
  $('output').hidden = true;
  document.querySelector('.layout').classList.remove('with-output');
  for (const card of cards.values()) card.setTailing(undefined);
});

const store = new Store(api, {
  onSessions: renderSessions,
  onJob: (job) => {
    cardFor(job).update(job, store.processesOf(job.full));
    renderSummary();
  },
  onJobRemoved: (full) => {
    cards.get(full)?.el.remove();
    cards.delete(full);
    renderSessions();
    renderSummary();
  },
  onProcessAdded: (proc) => channel.subscribe(`STATS:${proc.pid}`),
  onProcessRemoved: (proc) => {
    channel.unsubscribe(`STATS:${proc.pid}`);
    const job = store.jobs.get(proc.job);
    if (job) cards.get(proc.job)?.update(job, store.processesOf(proc.job));
    renderSummary();
  },
});

// ------------------------------------------------------------------ actions

const actions = {
  scale: (full, value) => perform(`scale ${full} ${value}`, full, () => api.post(`${jobPath(full)}/numprocesses`, { scale: value })),
  setState: (full, state) => perform(`${{ 1: 'start', 0: 'stop', 2: 'restart' }[state]} ${full}`, full, () => api.post(`${jobPath(full)}/state`, state)),
  signalJob: (full, signal) => perform(`signal ${full}`, full, async () => {
    await api.post(`${jobPath(full)}/signal`, { signal });
    toast(`SIG${signal} sent to every process of ${full}`);
  }),
  signalProcess: (pid, signal) => perform(`signal process ${pid}`, undefined, async () => {
    await api.post(`/${pid}/signal`, { signal });
    toast(`SIG${signal} sent to process ${pid}`);
  }),
  stopProcess: (pid) => perform(`stop process ${pid}`, undefined, () => api.delete(`/${pid}`)),
  tail: (pid) => {
    const proc = store.processes.get(pid);
    if (!proc) return;
    output.open(proc);
    document.querySelector('.layout').classList.add('with-output');
    for (const card of cards.values()) card.setTailing(card.full === proc.job ? pid : undefined);
    // What the process printed before the tail was opened, from the job's output history.
    api.get(`${jobPath(proc.job)}/output?pid=${pid}&lines=${HISTORY_LINES}&format=json`)
      .then((body) => output.history(pid, body.lines), () => { /* no history (output_history = off): live lines only */ });
  },
  history: (full) => perform(`recent output of ${full}`, undefined, async () => {
    const body = await api.get(`${jobPath(full)}/output?lines=${HISTORY_LINES}&format=json`);
    output.openHistory(full, body.lines);
    document.querySelector('.layout').classList.add('with-output');
    for (const card of cards.values()) card.setTailing(undefined);
  }),
};

async function perform(what, full, work) {
  try {
    await work();
    if (full) scheduleRefresh(full);
  } catch (err) {
    reportError(err, what);
  }
}

// ------------------------------------------------------------------ events

function onEvent(data) {
  const topic = data.topic ?? '';
  if (topic.startsWith('STATS:')) {
    const proc = store.processes.get(data.pid);
    if (!proc) return;
    proc.stats = data;
    cards.get(proc.job)?.stats(proc);
    renderSummarySoon();
    return;
  }
  if (topic.startsWith('STREAM:')) {
    output.append(data);
    return;
  }
  switch (data.event) {
    case 'load':
    case 'unload':
      scheduleRefresh();
      return;
    case 'start':
    case 'stop':
    case 'update':
    case 'restart':
    case 'flap':
    case 'spawn':
      scheduleRefresh(data.name);
      return;
    case 'exit':
      output.exited(data);
      store.recordExit(data);
      store.removeProcess(data.pid);
      scheduleRefresh(data.name);
      return;
    case 'reap':
    case 'stop_process': {
      const proc = store.markStopping(data.pid);
      const job = proc && store.jobs.get(proc.job);
      if (job) cards.get(job.full)?.update(job, store.processesOf(job.full));
    }
  }
}

// Refreshes are batched: many events about one job cost one request.
const dirtyJobs = new Set();
let refreshAll = false;
let refreshTimer;
let refreshing = Promise.resolve();

function scheduleRefresh(full) {
  if (full === undefined) refreshAll = true;
  else dirtyJobs.add(full);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const all = refreshAll;
    const jobs = [...dirtyJobs];
    refreshAll = false;
    dirtyJobs.clear();
    refreshing = refreshing.then(async () => {
      try {
        if (all) await store.refreshAll();
        else await Promise.all(jobs.map((j) => store.refreshJob(j)));
        renderSessions();
      } catch (err) {
        reportError(err, 'refresh');
      }
    });
  }, 50);
}

let pollTimer;
// A key that may not watch every event still gets a current page.
function startPolling() {
  if (pollTimer) return;
  toast('This API key may not watch all events: the page refreshes every 5 seconds instead.');
  pollTimer = setInterval(() => scheduleRefresh(), 5000);
}

// ------------------------------------------------------------------ rendering

function sessionSection(sid) {
  let section = sessionSections.get(sid);
  if (!section) {
    const count = h('span', { class: 'session-count' });
    const list = h('div', { class: 'session-jobs' });
    const el = h('section', { class: 'session', dataset: { session: sid }, 'aria-label': `Session ${sid}` },
      h('div', { class: 'session-head' }, h('h2', { class: 'session-name' }, sid), count), list);
    section = { el, count, list };
    sessionSections.set(sid, section);
    const after = [...sessionSections.keys()].sort().find((other) => other > sid);
    $('sessions').insertBefore(el, after ? sessionSections.get(after).el : null);
  }
  return section;
}

function cardFor(job) {
  let card = cards.get(job.full);
  if (!card) {
    card = new JobCard(job.full, actions);
    cards.set(job.full, card);
    const section = sessionSection(job.sessionid);
    const next = [...section.list.children].find((el) => el.dataset.job > job.full);
    section.list.insertBefore(card.el, next ?? null);
    renderSessions();
  }
  return card;
}

function renderSessions() {
  for (const [sid, section] of sessionSections) {
    const n = [...store.jobs.values()].filter((j) => j.sessionid === sid).length;
    if (n === 0 && section.list.childElementCount === 0) {
      section.el.remove();
      sessionSections.delete(sid);
    } else {
      setText(section.count, `${n} job${n === 1 ? '' : 's'}`);
    }
  }
  $('empty').hidden = store.jobs.size > 0;
  renderSummary();
}

function renderSummary() {
  const sessions = new Set([...store.jobs.values()].map((j) => j.sessionid));
  setText($('count-sessions'), sessions.size);
  setText($('count-jobs'), store.jobs.size);
  setText($('count-processes'), store.processes.size);
  let cpu = 0;
  let known = false;
  for (const p of store.processes.values()) {
    if (typeof p.stats?.cpu === 'number') {
      cpu += p.stats.cpu;
      known = true;
    }
  }
  setText($('total-cpu'), known ? `${cpu.toFixed(1)}%` : '–');
}

let summaryTimer;
function renderSummarySoon() {
  summaryTimer ??= setTimeout(() => {
    summaryTimer = undefined;
    renderSummary();
  }, 500);
}

function showConnection(state, detail) {
  const pill = $('connection');
  pill.className = `pill pill-${state === 'live' ? 'live' : state === 'connecting' ? 'wait' : 'down'}`;
  setText(pill, state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : `offline${detail ? ` · ${detail}` : ''}`);
  pill.title = state === 'live' ? `Live updates over ${detail}` : 'Live updates over the /channel endpoint';
}

function toast(message, kind = 'info') {
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  $('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

function reportError(err, what) {
  if (err instanceof ApiError && err.isAuth) {
    askForKey(err.status);
    return;
  }
  toast(`${what} failed: ${err instanceof ApiError ? err.reason : err.message}`, 'error');
  console.error(what, err);
}

// ------------------------------------------------------------------ API key

const askForKey = setupKeyDialog(keys, {
  onChange: () => {
    channel.reconnect();
    scheduleRefresh();
  },
  onAsk: () => showConnection('down', 'API key needed'),
});

// ------------------------------------------------------------------ start

setText($('node-info'), new URL(base).host);
api.get('/version').then((v) => setText($('node-info'), `${new URL(base).host} · gaffer ${v.version}`), () => {});
channel.subscribe('EVENTS');
channel.connect();
scheduleRefresh();
setInterval(() => {
  const now = Date.now();
  for (const card of cards.values()) card.tick(now);
}, 1000);
