/**
 * Background work: one runner for every timed job of an instance. A *shared* job (scheduled publishing, deadline
 * reminders, mail delivery, pruning the search outbox, taking over interrupted imports) runs once per period across
 * all instances: its schedule and lease are a row of `jobs`, and the instance that claims a due row runs it. An
 * *instance* job (following the search outbox, saving the local index) runs on every instance.
 *
 * Why our own runner: pg-boss and graphile-worker were the candidates. graphile-worker needs a pg Pool with
 * LISTEN/NOTIFY, which the embedded database (PGlite) does not offer; pg-boss 12 accepts a custom database, but its
 * schema migrations and maintenance send several statements at once and read each one's rows back (tried, pg-boss
 * 12.38 over PGlite 0.5: through `query` it fails at start with "cannot insert multiple commands into a prepared
 * statement"; through `exec` its maintenance finds no rows where it expects them). What Gongkai needs — a few periodic
 * jobs, each run once across instances and taken over after a crash — is one table and one statement per claim.
 */
import { sql } from 'kysely';
import type { Db } from './db.ts';

export interface Job {
  name: string;
  /** Seconds between the end of one run and the next. */
  everySeconds: number;
  /** `shared`: once across instances (the default); `instance`: on every instance. */
  scope?: 'shared' | 'instance';
  run: () => Promise<unknown>;
}

/** A shared job whose instance stopped mid-run is taken over after this long. */
const LEASE_SECONDS = 600;

/** Claims a shared job that is due and not held by a live run; true when this instance is to run it. */
async function claim(db: Db, name: string, holder: string): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ holder, lease_until: sql`now() + make_interval(secs => ${LEASE_SECONDS})`, last_started_at: sql`now()` })
    .where('name', '=', name)
    .where('next_run_at', '<=', sql<Date>`now()`)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the end of a run and when the next is due (a failed run is tried again at the next period too). */
async function finish(db: Db, name: string, holder: string, everySeconds: number, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      next_run_at: sql`now() + make_interval(secs => ${everySeconds})`,
      holder: '',
      lease_until: null,
      runs: sql`runs + 1`,
      last_finished_at: sql`now()`,
      last_error: error,
    })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastRun = new Map<string, number>();
  private jobs: Job[] = [];

  constructor(
    private readonly db: Db,
    private readonly log: (e: unknown) => void = console.error,
    readonly holder = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
  ) {}

  /** Registers the jobs (a shared job's row is made due at once the first time) and checks them every `tickMs`. */
  async start(jobs: Job[], tickMs = 1000): Promise<void> {
    this.jobs = jobs;
    for (const j of jobs.filter((x) => (x.scope ?? 'shared') === 'shared'))
      await this.db
        .insertInto('jobs')
        .values({ name: j.name, every_seconds: j.everySeconds })
        .onConflict((oc) => oc.column('name').doUpdateSet({ every_seconds: j.everySeconds }))
        .execute();
    this.timer = setInterval(() => void this.tick(), tickMs);
  }

  /** Starts every job that is due and not running here; resolves when those runs have ended. */
  async tick(): Promise<void> {
    const now = Date.now();
    const started: Promise<void>[] = [];
    for (const job of this.jobs) {
      if (this.running.has(job.name)) continue;
      const run = (job.scope ?? 'shared') === 'instance' ? this.runInstance(job, now) : this.runShared(job);
      if (!run) continue;
      const tracked = run.finally(() => this.running.delete(job.name));
      this.running.set(job.name, tracked);
      started.push(tracked);
    }
    await Promise.all(started);
  }

  private runInstance(job: Job, now: number): Promise<void> | null {
    if (now - (this.lastRun.get(job.name) ?? 0) < job.everySeconds * 1000) return null;
    this.lastRun.set(job.name, now);
    return job.run().then(
      () => undefined,
      (e) => this.log(e),
    );
  }

  private runShared(job: Job): Promise<void> {
    return (async () => {
      let mine = false;
      try {
        mine = await claim(this.db, job.name, this.holder);
      } catch (e) {
        // the database is away: the next tick tries again
        this.log(e);
        return;
      }
      if (!mine) return;
      let error = '';
      try {
        await job.run();
      } catch (e) {
        error = String((e as Error)?.message ?? e).slice(0, 1000);
        this.log(e);
      }
      await finish(this.db, job.name, this.holder, job.everySeconds, error).catch(this.log);
    })();
  }

  /** Stops checking and waits for the runs under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.running.values());
  }
}
