// Every gafferctl subcommand, in no particular order (the help sorts them).
import type { CtlCommand } from '../context.js';
import { addCommand } from './add.js';
import { addProcess } from './add-process.js';
import { delProcess } from './del-process.js';
import { getProcess } from './get-process.js';
import { killCommand } from './kill.js';
import { listCommand } from './list.js';
import { loadProcess } from './load-process.js';
import { numprocessesCommand } from './numprocesses.js';
import { pidsCommand } from './pids.js';
import { processes } from './processes.js';
import { restartCommand } from './restart.js';
import { runningCommand } from './running.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';
import { subCommand } from './sub.js';
import { tailCommand } from './tail.js';
import { topCommand } from './top.js';
import { updateProcess } from './update-process.js';
import { watchCommand } from './watch.js';

export const COMMANDS: readonly CtlCommand[] = [
  processes, addProcess, loadProcess, getProcess, updateProcess, delProcess,
  startCommand, stopCommand, restartCommand, addCommand, subCommand,
  statusCommand, runningCommand, numprocessesCommand, pidsCommand, killCommand,
  watchCommand, listCommand, tailCommand, topCommand,
];
