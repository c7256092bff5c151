import type { JobEntry, JobSource } from '../../../protocol/lookupd.js';
import type { LookupFailure, LookupResult } from '../../../client/lookup-client.js';
import type { GafferCommand } from '../command.js';
import type { GafferContext } from '../context.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

type LookupModule = typeof import('../../../client/lookup-client.js');

interface QuerySpec {
  name: string;
  summary: string;
  description: string;
  argument?: [string, string];
  query(lookup: LookupModule, addresses: string[], arg: string | undefined): Promise<LookupResult<unknown>>;
  print(ctx: GafferContext, result: unknown): void;
}

// One lookup:* command: query every -L lookupd, warn about those that failed, print the merged answer.
function lookupQuery(spec: QuerySpec): GafferCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    description: `${spec.description}\n\n-L ADDR (repeatable) names the gaffer_lookupd HTTP addresses; the answers\nof several servers are merged.`,
    configure: (cmd) => {
      if (spec.argument) cmd.argument(spec.argument[0], spec.argument[1]);
      cmd.option('-L, --lookupd-address <ADDR>', 'gaffer_lookupd address, e.g. http://127.0.0.1:5010 (repeatable)', collect)
        .option('--json', 'print the merged answer as JSON');
    },
    async run(ctx, args, opts) {
      const lookup = await import('../../../client/lookup-client.js');
      const { result, failures } = await spec.query(lookup, (opts.lookupdAddress as string[] | undefined) ?? [], args[0] as string | undefined);
      warn(ctx, failures);
      if (opts.json === true) ctx.out(JSON.stringify(result));
      else spec.print(ctx, result);
      return 0;
    },
  };
}

function warn(ctx: GafferContext, failures: readonly LookupFailure[]): void {
  for (const f of failures) ctx.err(`gaffer: lookupd ${f.address} did not answer: ${f.error.message}`);
}

function sourceLine(source: JobSource): string {
  return `${source.node_info.origin} - name: ${source.node_info.name}, protocol: ${source.node_info.version}`;
}

function printJobs(ctx: GafferContext, jobs: readonly JobEntry[]): void {
  ctx.out(`${jobs.length} job(s) found`);
  ctx.out('');
  for (const job of jobs) {
    ctx.out(`=== ${job.name}`);
    for (const source of job.sources) ctx.out(sourceLine(source));
    ctx.out('');
  }
}

export const LOOKUP_QUERIES: readonly GafferCommand[] = [
  lookupQuery({
    name: 'lookup:nodes',
    summary: 'list the gafferd nodes known to lookupd',
    description: 'List the gafferd nodes registered with the lookupd servers.\n\n  $ gaffer lookup:nodes -L http://127.0.0.1:5010\n  1 node(s) found\n\n  http://node1:5000 - node1 (protocol: 0.1)',
    query: (l, a) => l.lookupNodes(a),
    print: (ctx, r) => {
      const { nodes } = r as Awaited<ReturnType<LookupModule['lookupNodes']>>['result'];
      ctx.out(`${nodes.length} node(s) found`);
      ctx.out('');
      for (const node of nodes) ctx.out(`${node.origin} - ${node.name} (protocol: ${node.version})`);
    },
  }),
  lookupQuery({
    name: 'lookup:jobs',
    summary: 'list the jobs known to lookupd and the nodes running them',
    description: 'List every job registered with the lookupd servers, with the nodes running it.',
    query: (l, a) => l.lookupJobs(a),
    print: (ctx, r) => printJobs(ctx, (r as { jobs: JobEntry[] }).jobs),
  }),
  lookupQuery({
    name: 'lookup:job',
    summary: 'the nodes running a job, with the pids',
    description: 'The nodes running <job> (session.name or name) and the pids of its processes there.',
    argument: ['<job>', 'job name'],
    query: (l, a, job) => l.lookupJob(a, job!),
    print: (ctx, r) => {
      const { sources } = r as { sources: JobSource[] };
      if (sources.length === 0) {
        ctx.out('no job found');
        return;
      }
      for (const s of sources) {
        ctx.out(`=== ${s.node_info.name} (Protocol: ${s.node_info.version})`);
        ctx.out(`Origin: ${s.node_info.origin}`);
        ctx.out(`Pids: ${s.pids.join(',')}`);
        ctx.out('');
      }
    },
  }),
  lookupQuery({
    name: 'lookup:sessions',
    summary: 'list the sessions (applications) known to lookupd',
    description: 'List the sessions registered with the lookupd servers (or those of the nodes named <node>), with their jobs.',
    argument: ['[node]', 'node name'],
    query: (l, a, node) => l.lookupSessions(a, node),
    print: (ctx, r) => {
      const { sessions } = r as Awaited<ReturnType<LookupModule['lookupSessions']>>['result'];
      ctx.out(`${sessions.length} session(s) found`);
      ctx.out('');
      for (const session of sessions) {
        ctx.out(`*** session: ${session.sessionid}`);
        ctx.out('');
        for (const [job, sources] of Object.entries(session.jobs)) {
          ctx.out(`=== job: ${job}`);
          for (const source of sources) ctx.out(sourceLine(source));
          ctx.out('');
        }
      }
    },
  }),
  lookupQuery({
    name: 'lookup:session',
    summary: 'the jobs of one session and the nodes running them',
    description: 'The jobs of session <sid> registered with the lookupd servers.',
    argument: ['<sid>', 'session id'],
    query: (l, a, sid) => l.lookupSession(a, sid!),
    print: (ctx, r) => printJobs(ctx, (r as { jobs: JobEntry[] }).jobs),
  }),
];
