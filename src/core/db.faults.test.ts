import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { ownCluster } from '../../test/support/cluster.ts';
import { testCtx } from '../../test/support/db.ts';
import { buildApp } from '../app.ts';
import { createSite } from '../features/admin/admin.service.ts';
import { SYSTEM } from './access.ts';
import { postgresDb } from './db.ts';
import { migrate } from './migrate.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('PostgreSQL restarting, killing connections or hanging: answers are 503 with a Chinese message, never a crash, and the app recovers by itself', async () => {
  const cluster = ownCluster();
  try {
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database gk');
    await admin.end();
    const db = postgresDb(cluster.url('gk'), 4, { connectMs: 1000, statementMs: 1500, idleInTransactionMs: 5000 });
    await migrate(db);
    const ctx = testCtx(db);
    await createSite(ctx, SYSTEM, { code: 'fault', name: '故障演练站', hosts: [] });
    const app = await buildApp(ctx);
    const home = () => app.inject({ method: 'GET', url: '/' });
    const until200 = async (what: string) => {
      for (let i = 0; i < 60; i++) {
        if ((await home()).statusCode === 200) return;
        await sleep(250);
      }
      assert.fail(`did not recover after ${what}`);
    };
    try {
      assert.equal((await home()).statusCode, 200);

      // every connection terminated while requests are under way (a restart, a failover)
      const load = Promise.all(Array.from({ length: 20 }, () => home()));
      const killer = new pg.Client({ connectionString: cluster.url() });
      await killer.connect();
      await killer.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'gk' and pid <> pg_backend_pid()",
      );
      await killer.end();
      for (const r of await load) assert.ok([200, 503].includes(r.statusCode), `status ${r.statusCode}`);
      await until200('terminated connections');

      // the server gone
      cluster.crash();
      const started = Date.now();
      const down = await home();
      assert.equal(down.statusCode, 503);
      assert.match(down.body, /系统繁忙或正在维护，请稍后再试/);
      assert.equal(down.headers['retry-after'], '10');
      assert.ok(down.headers['content-security-policy'], 'the error page carries the security headers');
      assert.ok(Date.now() - started < 5000, 'refused quickly, not hung');
      const api = await app.inject({ method: 'GET', url: '/api/v1/sites/fault/publications' });
      assert.ok([503, 200].includes(api.statusCode));
      cluster.start();
      await until200('a restart');

      // the server hung: it accepts connections and never answers
      cluster.pause();
      const hung = Date.now();
      const stuck = await home();
      assert.equal(stuck.statusCode, 503, 'a hung database times out into 503');
      assert.ok(Date.now() - hung < 10_000, `answered in ${Date.now() - hung} ms`);
      cluster.resume();
      await until200('the database answering again');
    } finally {
      cluster.resume();
      await app.close();
      await db.destroy();
    }
  } finally {
    cluster.remove();
  }
});
