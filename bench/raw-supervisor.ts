// The baseline: the least a supervisor can do with child_process.spawn alone
// (spawn in a process group, respawn on exit, SIGTERM the group to stop).
import { spawn, type ChildProcess } from 'node:child_process';

export class RawSupervisor {
  readonly children = new Set<ChildProcess>();
  respawn = true;
  onSpawn: ((child: ChildProcess) => void) | undefined;

  constructor(readonly file: string, readonly args: string[], readonly stdout: 'ignore' | 'pipe' = 'ignore') {}

  spawnOne(): ChildProcess {
    const child = spawn(this.file, this.args, { stdio: ['ignore', this.stdout, 'ignore'], detached: true });
    this.children.add(child);
    child.once('exit', () => {
      this.children.delete(child);
      if (this.respawn) this.spawnOne();
    });
    this.onSpawn?.(child);
    return child;
  }

  async stopAll(): Promise<void> {
    this.respawn = false;
    await Promise.all([...this.children].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { resolve(); }
    })));
  }
}
