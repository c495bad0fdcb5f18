import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { freshDb, testConfig } from '../../../test/support/db.ts';
import { textOf } from '../../../test/support/html.ts';
import { get, login, post } from '../../../test/support/http.ts';
import { webSuite } from '../../../test/support/web.ts';
import { restore } from '../../core/backup.ts';
import { dataKey } from '../../core/config.ts';
import { backgroundJobs } from '../../server.ts';

const BACKUPS = mkdtempSync(path.join(tmpdir(), 'gk-backups-'));

/** The platform backs itself up while it serves: the embedded database cannot be read by another process then. */
describe('backups taken by the running platform (embedded database)', () => {
  const s = webSuite('pglite', { BACKUP_DIR: BACKUPS, BACKUP_KEEP: '2', BACKUP_HOURS: '12' });
  const realNow = () => new Date();
  let minute = 0;
  /** Each backup a minute after the last, as the schedule would take them. */
  const nextMinute = () => {
    minute++;
    const at = new Date(Date.parse('2026-12-07T02:00:00Z') + minute * 60_000);
    s.ctx.now = () => at;
  };

  test('the platform admin takes one now and sees it; it restores into an empty installation; others may not', async () => {
    const office = await login(s.app, 'office');
    assert.equal((await get(s.app, office.jar, '/admin/backups')).statusCode, 403, 'a site’s office may not');
    assert.equal((await post(s.app, office.jar, '/admin/backups', {}, office.csrf)).statusCode, 403);
    const admin = await login(s.app, 'admin');
    const empty = textOf((await get(s.app, admin.jar, '/admin/backups')).body);
    assert.match(empty, /每 12 小时自动备份一次/);
    assert.match(empty, /暂无备份/);

    nextMinute();
    const taken = await post(s.app, admin.jar, '/admin/backups', {}, admin.csrf);
    s.ctx.now = realNow;
    assert.equal(taken.statusCode, 303);
    const page = textOf((await get(s.app, admin.jar, '/admin/backups?done=taken')).body);
    assert.match(page, /备份完成/);
    assert.match(page, /已有备份（1 份）/);
    assert.match(page, /2026-12-07 10:01:00/, 'named by Beijing time');
    // the site went on serving meanwhile, and the backup is a whole installation
    assert.equal((await get(s.app, admin.jar, '/s/demo/')).statusCode, 200);
    const [name] = await readdir(BACKUPS);
    const target = await freshDb('pglite');
    try {
      const elsewhere = testConfig({ DATA_KEY: dataKey(s.ctx.config).toString('hex') });
      const m = await restore(target.db, elsewhere.filesDir, dataKey(elsewhere), path.join(BACKUPS, name));
      for (const table of ['publications', 'letters', 'surveys', 'interview_posts', 'users'])
        assert.equal(
          Number(
            (
              await target.db
                .selectFrom(table as 'users')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          m.tables[table],
          table,
        );
      assert.ok(m.tables.publications > 0 && m.tables.interview_posts > 0);
    } finally {
      await target.close();
    }
    const recorded = await s.ctx.db
      .selectFrom('audit_events')
      .select(['entity_id', 'actor_id'])
      .where('action', '=', 'backup.create')
      .execute();
    assert.deepEqual(
      recorded.map((r) => r.entity_id),
      [name],
      'recorded in the audit log, by whom',
    );
    assert.ok(recorded[0].actor_id);
  });

  test('the schedule takes them, the newest kept, and an unfinished one left by a stop is cleared after a day', async () => {
    const job = backgroundJobs(s.ctx, { info: () => {}, error: () => {} }).find((j) => j.name === 'backup');
    assert.ok(job, 'a backup job when BACKUP_DIR is set');
    assert.equal(job.everySeconds, 12 * 3600);
    // a folder a stopped backup left (no manifest), two days old
    const stale = path.join(BACKUPS, '20261201-030000');
    await mkdir(path.join(stale, 'tables'), { recursive: true });
    await utimes(stale, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    for (let i = 0; i < 3; i++) {
      nextMinute();
      await job.run();
    }
    s.ctx.now = realNow;
    assert.deepEqual((await readdir(BACKUPS)).sort(), ['20261207-100300', '20261207-100400'], 'the newest two');
    assert.equal(
      backgroundJobs({ ...s.ctx, config: testConfig() }, { info: () => {}, error: () => {} }).some(
        (j) => j.name === 'backup',
      ),
      false,
    );
  });

  test('without a backup folder the page says how to set one, and taking one is refused', async () => {
    const { buildApp } = await import('../../app.ts');
    const app = await buildApp({ ...s.ctx, config: { ...s.ctx.config, backups: null } });
    try {
      const admin = await login(app, 'admin');
      assert.match(textOf((await get(app, admin.jar, '/admin/backups')).body), /尚未设置备份目录/);
      const refused = await post(app, admin.jar, '/admin/backups', {}, admin.csrf);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /BACKUP_DIR/);
    } finally {
      await app.close();
    }
  });
});
