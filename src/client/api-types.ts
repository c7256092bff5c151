// The shapes of gafferd's answers that GafferClient returns typed (client/gaffer-client.ts).

/** 0.4 `GET /status/<name>`. */
export interface JobStatus { active: boolean; running: number; max_processes: number; numprocesses: number }

/** 0.5 `GET /jobs/<sid>/<name>`. */
export interface JobInfo {
  name: string;
  active: boolean;
  running: number;
  running_out: number;
  max_processes: number;
  processes: number[];
  config: Record<string, unknown> & { name: string; cmd: string; args?: string[] | string };
}

/** One process in 0.5 job stats. */
export interface ProcessStatsEntry {
  mem_info1: string; mem_info2: string; cpu: number | string; mem: number | string; ctime: string; pid: number; os_pid: number;
}

/** 0.5 `GET /jobs/<sid>/<name>/stats`. */
export interface JobStats {
  name: string;
  stats: ProcessStatsEntry[];
  mem: number | string; max_mem: number | string; min_mem: number | string;
  cpu: number | string; max_cpu: number | string; min_cpu: number | string;
}

/** A commit request: graceful timeout (seconds) and extra environment. */
export interface CommitRequest { graceful_timeout?: number; env?: Record<string, string> }

/** What `GET /jobs/<sid>/<name>/logfile` reads: the stream's file, the last `lines` lines, then (follow) what comes. */
export interface LogfileRequest { stream?: 'stdout' | 'stderr'; lines?: number; follow?: boolean }
