import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../../test/support/db.ts';
import { type Job, JobRunner } from './jobs.ts';

const HOUR_MS = 3600_000;

for (const kind of DATABASES)
  test(`a shared job runs once across instances, records its failures, and is taken over when its instance stops (${kind})`, async () => {
    const d = await freshDb(kind);
    const errors: unknown[] = [];
    const a = new JobRunner(d.db, (e) => errors.push(e), 'a');
    const b = new JobRunner(d.db, (e) => errors.push(e), 'b');
    const ran: string[] = [];
    let fail = false;
    const jobs = (who: string): Job[] => [
      {
        name: 'sweep',
        everySeconds: 60,
        run: async () => {
          ran.push(who);
          if (fail) throw new Error('邮件服务器无响应');
        },
      },
      { name: 'local', everySeconds: 60, scope: 'instance', run: async () => void ran.push(`${who}:local`) },
    ];
    const due = () => sql`update jobs set next_run_at = now() - interval '1 second'`.execute(d.db);
    const row = async () =>
      (await d.db.selectFrom('jobs').selectAll().where('name', '=', 'sweep').executeTakeFirstOrThrow()) as {
        runs: string | number;
        last_error: string;
        holder: string;
        next_run_at: Date;
      };
    try {
      // the timers are set far apart: the test ticks by hand
      await a.start(jobs('a'), HOUR_MS);
      await b.start(jobs('b'), HOUR_MS);
      await Promise.all([a.tick(), b.tick()]);
      assert.equal(ran.filter((r) => r === 'a' || r === 'b').length, 1, 'the shared job ran on one instance');
      assert.deepEqual(ran.filter((r) => r.endsWith(':local')).sort(), ['a:local', 'b:local'], 'instance jobs on each');
      assert.equal(Number((await row()).runs), 1);
      assert.ok((await row()).next_run_at.getTime() > Date.now() + 50_000, 'next due a period later');
      ran.length = 0;
      await Promise.all([a.tick(), b.tick()]);
      assert.deepEqual(ran, [], 'nothing is due yet');

      // a failure is recorded and the job comes round again
      fail = true;
      await due();
      await a.tick();
      assert.equal((await row()).last_error, '邮件服务器无响应');
      assert.equal(errors.length, 1);
      fail = false;
      await due();
      await b.tick();
      assert.equal((await row()).last_error, '');
      assert.equal(Number((await row()).runs), 3);

      // an instance that stopped mid-run holds the job until its lease lapses; then another takes it
      await sql`update jobs set next_run_at = now() - interval '1 second', holder = 'gone',
        lease_until = now() + interval '5 minutes'`.execute(d.db);
      ran.length = 0;
      await a.tick();
      assert.deepEqual(ran, [], 'held by a live lease');
      await sql`update jobs set lease_until = now() - interval '1 second'`.execute(d.db);
      await a.tick();
      assert.deepEqual(ran, ['a']);
      assert.equal((await row()).holder, '');
    } finally {
      await a.stop();
      await b.stop();
      await d.close();
    }
  });

test('stopping waits for the runs under way; a job is never run twice at once on one instance', async () => {
  const d = await freshDb('pglite');
  const runner = new JobRunner(d.db, () => {}, 'solo');
  let release: () => void = () => {};
  let running = 0;
  let most = 0;
  const job: Job = {
    name: 'slow',
    everySeconds: 1,
    scope: 'instance',
    run: async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((r) => {
        release = r;
      });
      running--;
    },
  };
  try {
    await runner.start([job], HOUR_MS);
    const first = runner.tick();
    await new Promise((r) => setTimeout(r, 1100));
    await runner.tick(); // the run under way is not started again
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(stopped, false, 'stop waits for the run');
    release();
    await stopping;
    await first;
    assert.equal(most, 1);
  } finally {
    await d.close();
  }
});
