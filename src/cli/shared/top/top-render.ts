// Draws the TopModel: the full screen (title, notice, table with the
// selection, tail pane, help line) as exactly `rows` lines, and the plain
// snapshot block printed when stdout is not a terminal.
import { formatClock } from '../../../util/duration.js';
import type { TopModel } from './top-model.js';
import { fitCells, paint, tableCells } from './top-table.js';
import { HELP_LINE, TAIL_HELP_LINE } from './top-keys.js';

export interface ScreenSize { columns: number; rows: number }

/** The lines of one frame, each at most `columns` wide (colours excluded). */
export function renderScreen(model: TopModel, size: ScreenSize, endpoint: string, color: boolean, now = Date.now()): string[] {
  const columns = Math.max(20, size.columns);
  const height = Math.max(6, size.rows);
  const rows = model.rows();
  model.selectedRow();
  const { header, lines } = tableCells(model, rows, now);
  const out: string[] = [];
  out.push(fit(`gaffer top - ${endpoint} - ${model.jobs.size} job${model.jobs.size === 1 ? '' : 's'}, ${model.processes.size} process${model.processes.size === 1 ? '' : 'es'} - ${formatClock(new Date(now))}`, columns, color, 'bold'));
  if (model.notice) out.push(fit(`! ${model.notice}`, columns, color, 'yellow'));
  else if (model.status) out.push(fit(model.status.text, columns, color, model.status.isError ? 'red' : 'green'));
  else out.push('');
  out.push(`  ${fitCells(header, columns - 2, color)}`);
  // Rows left for the list and the tail pane, the help line taking the last one.
  const body = height - out.length - 1;
  const tail = model.tail;
  const listHeight = tail ? Math.max(2, Math.floor(body / 2)) : body;
  if (rows.length === 0) out.push('  (no job loaded: gafferctl load_process, or gaffer load)');
  const first = Math.max(0, Math.min(model.selected - listHeight + 1, rows.length - listHeight));
  for (let i = first; i < Math.min(rows.length, first + listHeight); i++) {
    const isSelected = i === model.selected;
    const line = `${isSelected ? '> ' : '  '}${fitCells(lines[i]!, columns - 2, color && !isSelected)}`;
    out.push(isSelected && color ? `\x1b[7m${line.padEnd(columns)}\x1b[27m` : line);
  }
  while (out.length < 3 + listHeight) out.push('');
  if (tail) {
    const proc = model.processes.get(tail.pid);
    const title = `-- output of process ${tail.pid} (${tail.job}${proc ? `, os pid ${proc.osPid}` : ''}) `;
    out.push(fit(title.padEnd(columns, '-'), columns, color, 'dim'));
    const room = height - out.length - 1;
    const shown = [...tail.lines, ...(tail.note ? [`[${tail.note}]`] : [])].slice(-room);
    if (shown.length === 0) shown.push('(waiting for output...)');
    for (const line of shown) out.push(fit(line.replace(/\t/g, '  ').replace(/[\x00-\x1f\x7f]/g, ''), columns, false));
  }
  while (out.length < height - 1) out.push('');
  out.length = height - 1;
  out.push(fit(tail ? TAIL_HELP_LINE : HELP_LINE, columns, color, 'dim'));
  return out;
}

/** The plain snapshot: a time line, the table header and one line per job and process. */
export function renderSnapshot(model: TopModel, endpoint: string, columns = 200, now = Date.now()): string[] {
  const rows = model.rows();
  const { header, lines } = tableCells(model, rows, now);
  return [
    `${formatClock(new Date(now))} gafferd ${endpoint}: ${model.jobs.size} job${model.jobs.size === 1 ? '' : 's'}, ${model.processes.size} process${model.processes.size === 1 ? '' : 'es'}`,
    fitCells(header, columns, false),
    ...lines.map((cells) => fitCells(cells, columns, false)),
  ];
}

function fit(text: string, columns: number, color: boolean, style?: Parameters<typeof paint>[1]): string {
  const cut = text.length > columns ? text.slice(0, columns) : text;
  return paint(cut, style, color);
}
