// The jobs/processes table of `gafferctl top`, shared by the full-screen view
// and the plain snapshots: cells with fixed widths (the name column sized to
// the longest name), fitted to the terminal width, coloured by state.
import { signalName } from '../../../util/signals.js';
import type { LastExit, TopJob, TopModel, TopProcess, TopRow } from './top-model.js';

export type Style = 'green' | 'yellow' | 'red' | 'cyan' | 'dim' | 'bold';

export interface Cell { text: string; width: number; style?: Style; alignRight?: boolean }

const SGR: Record<Style, [string, string]> = {
  green: ['\x1b[32m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  bold: ['\x1b[1m', '\x1b[22m'],
};

const HEADINGS = ['NAME', 'STATE', 'PROCS', 'CPU%', 'MEM', 'UPTIME', 'RESTARTS', 'LAST EXIT'] as const;
const WIDTHS = [0, 9, 6, 6, 8, 9, 8, 0];

/** `exit status 1`, or `signal SIGKILL`. */
export function describeExit(exit: { exit_status: number; term_signal: number }): string {
  if (exit.term_signal) return `signal ${signalName(exit.term_signal)}`;
  return `exit status ${exit.exit_status}`;
}

/** `42s`, `3m05s`, `2h07m`, `4d03h`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** The state shown for a job: gafferd's `state` (with `backoff`), else active/stopped. */
export function jobState(job: TopJob): string {
  return job.info.state ?? (job.info.active ? 'running' : 'stopped');
}

/**
 * Is the job stopped (so `s` starts it)? `active` only means "has processes", which a
 * crash-looping job waiting to respawn has not; gafferd's `state` tells when present.
 */
export function isJobStopped(job: TopJob): boolean {
  const state = job.info.state;
  return state === undefined ? !job.info.active : state === 'stopped' || state === 'idle';
}

function stateStyle(state: string): Style {
  switch (state) {
    case 'running': case 'up': return 'green';
    case 'starting': case 'waiting': return 'cyan';
    case 'backoff': case 'flapping': case 'failed': return 'red';
    case 'stopping': return 'yellow';
    default: return 'dim';
  }
}

/** The header cells and one line of cells per row. */
export function tableCells(model: TopModel, rows: TopRow[], now: number): { header: Cell[]; lines: Cell[][] } {
  const nameWidth = Math.min(32, Math.max(12, ...rows.map((r) => (r.kind === 'job' ? r.job.full : processLabel(r.process)).length)));
  const widths = WIDTHS.map((w, i) => (i === 0 ? nameWidth : w));
  const header = HEADINGS.map((text, i) => ({ text, width: widths[i]!, style: 'bold' as const, alignRight: i >= 2 && i <= 6 }));
  const lines = rows.map((row) => {
    const texts = row.kind === 'job' ? jobTexts(model, row.job, now) : processTexts(row.process, now);
    return texts.map((t, i): Cell => ({
      text: t,
      width: widths[i]!,
      alignRight: i >= 2 && i <= 6,
      style: i === 1 ? stateStyle(t) : i === 7 && row.kind === 'job' && lastExitIsFailure(model.lastExitOf(row.job)) ? 'red' : undefined,
    }));
  });
  return { header, lines };
}

function jobTexts(model: TopModel, job: TopJob, now: number): string[] {
  const procs = model.processesOf(job.full);
  const cpu = sum(procs.map((p) => p.stats?.cpu));
  const mem = sum(procs.map((p) => p.stats?.mem));
  const kept = job.info.running - (job.info.running_out ?? 0);
  const last = model.lastExitOf(job);
  let lastText = last ? `${describeExit(last)}${ago(last.time, now)}` : '-';
  if (job.info.next_retry) lastText += `, retry ${inSeconds(job.info.next_retry, now)}`;
  return [
    job.full, jobState(job), `${kept}/${job.info.max_processes}`,
    cpu === undefined ? '-' : cpu.toFixed(1), mem === undefined ? '-' : `${mem.toFixed(1)}%`,
    '', String(model.restartsOf(job)), lastText,
  ];
}

function processTexts(proc: TopProcess, now: number): string[] {
  const cpu = proc.stats ? num(proc.stats.cpu) : undefined;
  return [
    processLabel(proc), proc.stopping ? 'stopping' : proc.once ? 'one-off' : 'up', '',
    cpu === undefined ? '-' : cpu.toFixed(1), proc.stats?.mem_info1 ?? '-',
    proc.createTime === undefined ? '-' : formatUptime(now / 1000 - proc.createTime), '', '',
  ];
}

/** The NAME cell of a process row: `  3 (os 4242)`. */
function processLabel(proc: TopProcess): string {
  return `  ${proc.pid} (os ${proc.osPid})`;
}

/** Fit cells into `columns` characters: cells that do not fit are dropped, the last one is cut. */
export function fitCells(cells: Cell[], columns: number, color: boolean): string {
  let out = '';
  let used = 0;
  for (const [i, cell] of cells.entries()) {
    const gap = i === 0 ? 0 : 1;
    const isLast = i === cells.length - 1 || cell.width === 0;
    const room = columns - used - gap;
    if (room <= 0 || (!isLast && cell.width > room)) break;
    const width = isLast ? Math.min(room, Math.max(cell.width, cell.text.length)) : cell.width;
    let text = cell.text.length > width ? `${cell.text.slice(0, Math.max(0, width - 1))}~` : cell.text;
    text = cell.alignRight ? text.padStart(width) : text.padEnd(width);
    out += ' '.repeat(gap) + paint(text, cell.style, color);
    used += gap + width;
  }
  return out.trimEnd();
}

export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || !style) return text;
  const [on, off] = SGR[style];
  return `${on}${text}${off}`;
}

function lastExitIsFailure(exit: LastExit | undefined): boolean {
  return exit !== undefined && (exit.exit_status !== 0 || exit.term_signal !== 0);
}

function ago(time: LastExit['time'], now: number): string {
  const at = typeof time === 'number' ? (time < 1e11 ? time * 1000 : time) : typeof time === 'string' ? Date.parse(time) : NaN;
  return Number.isFinite(at) ? `, ${formatUptime((now - at) / 1000)} ago` : '';
}

function inSeconds(iso: string, now: number): string {
  const at = Date.parse(iso);
  return Number.isFinite(at) ? `in ${formatUptime(Math.max(0, at - now) / 1000)}` : iso;
}

function num(value: number | string | undefined): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return value === undefined || value === '' || !Number.isFinite(n) ? undefined : n;
}

function sum(values: Array<number | string | undefined>): number | undefined {
  const known = values.map(num).filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0);
}
