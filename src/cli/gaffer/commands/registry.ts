// Every gaffer subcommand, grouped as in the help.
import type { GafferCommand } from '../command.js';
import { appsCommand } from './apps.js';
import { exportCommand } from './export.js';
import { jobsCommand } from './jobs.js';
import { keyCommand, keyCreateCommand, keyDeleteCommand } from './keys.js';
import { loadCommand } from './load.js';
import { loginCommand } from './login.js';
import { logsCommand } from './logs.js';
import { lookupCommand } from './lookup.js';
import { LOOKUP_QUERIES } from './lookup-queries.js';
import { psCommand } from './ps.js';
import { psInfoCommand } from './ps-info.js';
import { psKillCommand } from './ps-kill.js';
import { psRunCommand } from './ps-run.js';
import { psStartCommand } from './ps-start.js';
import { psStopCommand } from './ps-stop.js';
import { recvCommand } from './recv.js';
import { reloadCommand } from './reload.js';
import { runCommand } from './run.js';
import { scaleCommand } from './scale.js';
import { sendCommand } from './send.js';
import { startCommand } from './start.js';
import { statsCommand } from './stats.js';
import { topCommand } from './top.js';
import { unloadCommand } from './unload.js';
import { userAddCommand, userCommand, userDelCommand, userSetKeyCommand, userSetPasswordCommand } from './users.js';

export interface CommandGroup {
  title: string;
  commands: readonly GafferCommand[];
  /** List the names on one line instead of one line per command. */
  compact?: boolean;
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    title: 'Procfile, locally (no gafferd needed)',
    commands: [startCommand(false), runCommand(false), exportCommand, startCommand(true), runCommand(true)],
  },
  {
    title: 'Applications on gafferd',
    commands: [loadCommand, unloadCommand, reloadCommand, scaleCommand('scale'), psCommand, appsCommand, jobsCommand, logsCommand],
  },
  {
    title: 'Jobs and processes on gafferd',
    commands: [scaleCommand('ps:scale'), psInfoCommand, psStartCommand, psStopCommand, psKillCommand, psRunCommand, statsCommand, topCommand, sendCommand, recvCommand],
  },
  { title: 'Cluster directory (gaffer_lookupd)', commands: [lookupCommand, ...LOOKUP_QUERIES] },
  {
    title: 'Users and API keys (gafferd with require_key)',
    commands: [loginCommand, userCommand, userAddCommand, userDelCommand, userSetPasswordCommand, userSetKeyCommand, keyCommand, keyCreateCommand, keyDeleteCommand],
  },
];
