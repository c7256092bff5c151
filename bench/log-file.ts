// Log file throughput: LogFile (bounded queue, writev batches, size rotation) against a raw
// fs.createWriteStream writing the same chunks in the same run, both with their default buffering
// and both waiting when they say so (LogFile: write() false → onDrain; the stream: 'drain').
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFile } from '../src/core/log-file.js';
import { summarize, type Summary } from './stats.js';

export interface LogFileBenchOptions {
  /** Bytes written per round (default BENCH_LOG_BYTES or 500 MB). */
  bytes?: number;
  /** Chunk size (default 64 KiB, the size of a pipe read). */
  chunkSize?: number;
  /** Rotation size of the LogFile (default 50 MB, 5 backups). */
  maxBytes?: number;
  /** Rounds of each writer, alternating (default 3). */
  rounds?: number;
}

export interface LogFileBench {
  /** LogFile median throughput, MB/s (10^6 bytes). */
  mbPerSecond: number;
  /** Bytes written per round. */
  bytes: number;
  /** fs.createWriteStream median throughput in the same run, MB/s. */
  rawMbPerSecond: number;
  logFile: Summary;
  raw: Summary;
  /** Bytes the LogFile dropped over every round (0 expected: the bench waits for onDrain like a paused pipe). */
  dropped: number;
}

/** Write `bytes` through a LogFile with rotation and through a raw write stream; MB/s of each. */
export async function benchLogFile(options: LogFileBenchOptions = {}): Promise<LogFileBench> {
  const bytes = options.bytes ?? Number(process.env.BENCH_LOG_BYTES ?? 500_000_000);
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const maxBytes = options.maxBytes ?? 50_000_000;
  const rounds = options.rounds ?? 3;
  const chunk = Buffer.alloc(chunkSize, 'x');
  chunk.fill('\n', chunkSize - 1);
  const dir = await mkdtemp(join(tmpdir(), 'gaffer-bench-log-'));
  const logFile: number[] = [];
  const raw: number[] = [];
  let dropped = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      raw.push(await rawRound(join(dir, 'raw.log'), chunk, bytes));
      await rm(join(dir, 'raw.log'), { force: true });
      // Each round rotates in its own directory (created by LogFile), removed afterwards.
      const result = await logFileRound(join(dir, `round-${round}`, 'app.log'), chunk, bytes, maxBytes);
      logFile.push(result.mbPerSecond);
      dropped += result.dropped;
      await rm(join(dir, `round-${round}`), { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const l = summarize(logFile);
  const r = summarize(raw);
  return { mbPerSecond: l.median, bytes, rawMbPerSecond: r.median, logFile: l, raw: r, dropped };
}

// The production defaults (1 MiB queue, log_overflow = block): when write() says the queue is full, wait
// for onDrain, as a job's pipe is paused — the same contract as the baseline's write()/'drain'.
async function logFileRound(path: string, chunk: Buffer, bytes: number, maxBytes: number): Promise<{ mbPerSecond: number; dropped: number }> {
  const file = new LogFile({ path, maxBytes, backups: 5 });
  const started = performance.now();
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!file.write(chunk)) await new Promise<void>((resolve) => file.onDrain(resolve));
  }
  await file.close();
  const seconds = (performance.now() - started) / 1000;
  return { mbPerSecond: file.written / 1e6 / seconds, dropped: file.dropped };
}

async function rawRound(path: string, chunk: Buffer, bytes: number): Promise<number> {
  const stream = createWriteStream(path, { flags: 'a' });
  const started = performance.now();
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'close');
  const seconds = (performance.now() - started) / 1000;
  return Math.ceil(bytes / chunk.length) * chunk.length / 1e6 / seconds;
}
