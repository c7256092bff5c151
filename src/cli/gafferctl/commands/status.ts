import { failureLine, isFailing, type JobFailure } from '../../shared/job-failure.js';
import type { CtlCommand } from '../context.js';

export const statusCommand: CtlCommand = {
  name: 'status',
  summary: 'print whether a job is active, stopped or failing',
  description: `Print 'active' when the job has at least one process, else 'stopped'. A job
that is failing (waiting to respawn after failures, or its last spawn
failed) gets the state line instead: state, restarts, last exit, next retry,
spawn error. With --json, print the whole status object.

HTTP: GET /status/<name>

  $ gafferctl status dummy
  active
  $ gafferctl status web
  State: backoff, 4 restarts, last exit: status 1 (pid 9, os pid 4242) 00:01 ago, next retry in 1.6s
  $ gafferctl status dummy --json
  {"active":true,"running":1,"max_processes":1,"numprocesses":1,"state":"running","restarts":0,...}`,
  configure: (cmd) => { cmd.argument('<name>', 'job name'); },
  async run(ctx, args) {
    const client = await ctx.client();
    const status = await client.status(args[0] as string);
    const failure = status as typeof status & JobFailure;
    ctx.result(isFailing(failure) ? failureLine(failure, Date.now()) : status.active ? 'active' : 'stopped', status);
  },
};
