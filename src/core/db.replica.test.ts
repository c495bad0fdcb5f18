import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { ownCluster } from '../../test/support/cluster.ts';
import { testConfig, testCtx } from '../../test/support/db.ts';
import { demoFixture, publishThroughReview } from '../../test/support/fixture.ts';
import { buildApp } from '../app.ts';
import { postgresDb, readCaughtUp, replicaDb } from './db.ts';
import { migrate } from './migrate.ts';

/** Rows the replica's server has read for the database so far (its own statistics). */
async function rowsRead(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query("select tup_returned + tup_fetched as n from pg_stat_database where datname = 'gk'");
    return Number(r.rows[0].n);
  } finally {
    await c.end();
  }
}

test('with a replica, public pages and search read from it, writes go to the primary, and a lost replica costs nothing', async () => {
  const primary = ownCluster();
  let replica: ReturnType<typeof ownCluster> | undefined;
  try {
    const admin = new pg.Client({ connectionString: primary.url() });
    await admin.connect();
    await admin.query('create database gk');
    await admin.end();
    replica = ownCluster({ replicaOf: primary });
    const timeouts = { connectMs: 1000, statementMs: 5000, idleInTransactionMs: 5000 };
    const db = postgresDb(primary.url('gk'), 4, timeouts);
    const read = replicaDb(primary.url('gk'), replica.url('gk'), 4, timeouts);
    await migrate(db);
    const ctx = { ...testCtx(db, testConfig()), read };
    const f = await demoFixture(ctx);
    const app = await buildApp(ctx);
    try {
      await readCaughtUp(db, read);
      const before = await rowsRead(replica.url('gk'));
      for (const url of ['/s/demo/', '/s/demo/c/aqsc', '/s/demo/p/1', '/s/demo/search?q=通知'])
        assert.equal((await app.inject({ url })).statusCode, 200, url);
      const after = await rowsRead(replica.url('gk'));
      assert.ok(after > before, `the replica served the reads (${before} → ${after} rows)`);

      // a write through the application lands on the primary (the replica refuses writes) and shows once replayed
      const { publicationId } = await publishThroughReview(ctx, f, { title: '关于只读副本测试的通知' });
      await readCaughtUp(db, read);
      const page = await app.inject({ url: `/s/demo/p/${publicationId}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /关于只读副本测试的通知/);

      // the replica gone: the same pages from the primary, none fails
      replica.crash();
      for (const url of ['/s/demo/', '/s/demo/c/aqsc', `/s/demo/p/${publicationId}`, '/s/demo/search?q=通知']) {
        const r = await app.inject({ url });
        assert.equal(r.statusCode, 200, `${url} with the replica down`);
      }
      await readCaughtUp(db, read);
      // and back: reads return to it after a while
      replica.start();
      await new Promise((r) => setTimeout(r, 5200));
      const back = await rowsRead(replica.url('gk'));
      assert.equal((await app.inject({ url: '/s/demo/c/aqsc' })).statusCode, 200);
      assert.ok((await rowsRead(replica.url('gk'))) > back, 'reads go to the replica again');
    } finally {
      await app.close();
      await read.destroy();
      await db.destroy();
    }
  } finally {
    replica?.remove();
    primary.remove();
  }
});
