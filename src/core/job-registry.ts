// The jobs of a Manager: sessions -> jobs by short name, in load order.
import { NotFoundError } from '../errors.js';
import { DEFAULT_SESSION, fullName, parseJobName } from '../util/names.js';
import type { Job } from './job.js';

/** Sessions -> jobs. Lookups by designation (`web`, `app.web`, `app/web`, `app:web`) answer 404 for an unknown one. */
export class JobRegistry {
  readonly #sessions = new Map<string, Map<string, Job>>();

  /** Session ids, in creation order. */
  get sessions(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Every job, in session then load order. */
  all(): Job[] {
    const jobs: Job[] = [];
    for (const session of this.#sessions.values()) jobs.push(...session.values());
    return jobs;
  }

  /** The job designated by `name`, or a 404. */
  get(name: string, sessionid?: string): Job {
    const d = parseJobName(name, sessionid ?? DEFAULT_SESSION);
    const job = this.#sessions.get(d.sessionid)?.get(d.name);
    if (!job) throw new NotFoundError('not_found', `job '${fullName(d.sessionid, d.name)}' not found`);
    return job;
  }

  has(name: string, sessionid?: string): boolean {
    const d = parseJobName(name, sessionid ?? DEFAULT_SESSION);
    return this.#sessions.get(d.sessionid)?.has(d.name) ?? false;
  }

  /** Jobs of one session, in load order (404 for an unknown session). */
  session(sessionid: string): Job[] {
    const session = this.#sessions.get(sessionid);
    if (!session) throw new NotFoundError('not_found', `session '${sessionid}' not found`);
    return [...session.values()];
  }

  add(job: Job): void {
    let session = this.#sessions.get(job.sessionid);
    if (!session) {
      session = new Map();
      this.#sessions.set(job.sessionid, session);
    }
    session.set(job.name, job);
  }

  /** Remove a job; an emptied session goes with it. */
  remove(job: Job): void {
    const session = this.#sessions.get(job.sessionid);
    if (!session) return;
    session.delete(job.name);
    if (session.size === 0) this.#sessions.delete(job.sessionid);
  }
}
