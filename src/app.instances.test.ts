import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freshDb, testConfig, testCtx } from '../test/support/db.ts';
import { demoFixture } from '../test/support/fixture.ts';
import { csrfFrom, get, Jar, login, post } from '../test/support/http.ts';
import { buildApp } from './app.ts';
import type { Ctx } from './core/context.ts';
import { hit, pruneRateLimits } from './core/ratelimit.ts';

/** Two instances of the application on one PostgreSQL database, as behind a proxy that sends requests to either. */
describe('two instances on one PostgreSQL', () => {
  const s = {} as { ctx: Ctx; a: Awaited<ReturnType<typeof buildApp>>; b: Awaited<ReturnType<typeof buildApp>> };
  let close: () => Promise<void>;
  before(async () => {
    const d = await freshDb('postgres');
    close = d.close;
    // the same secrets, as every instance of an installation has; DATABASE_URL makes the guarded limits shared
    const env = { DATABASE_URL: 'postgres://shared', LOGIN_PER_MINUTE: '1000' };
    s.ctx = testCtx(d.db, testConfig(env));
    await demoFixture(s.ctx);
    s.a = await buildApp(s.ctx);
    s.b = await buildApp(testCtx(d.db, testConfig(env)));
  });
  after(async () => {
    await s.a.close();
    await s.b.close();
    await close();
  });

  test('a session and its form token made on one instance work on the other', async () => {
    const { jar, csrf } = await login(s.a, 'admin');
    const home = await get(s.b, jar, '/admin');
    assert.equal(home.statusCode, 200);
    // a form served by A is posted to B
    const res = await post(s.b, jar, '/admin/logout', {}, csrf);
    assert.equal(res.statusCode, 303);
    assert.equal((await get(s.a, jar, '/admin')).statusCode, 303, 'signed out everywhere');
  });

  test("a guarded route's limit counts the requests of both instances", async () => {
    const jar = new Jar();
    const form = csrfFrom((await get(s.a, jar, '/s/demo/apply/status')).body);
    const ask = (app: typeof s.a) =>
      post(app, jar, '/s/demo/apply/status', { trackingNo: 'YSQ-2026-000001', queryCode: 'WRONGCODE' }, form);
    for (let i = 0; i < 10; i++) assert.notEqual((await ask(s.a)).statusCode, 429);
    for (let i = 0; i < 10; i++) assert.notEqual((await ask(s.b)).statusCode, 429);
    const refused = await ask(s.a);
    assert.equal(refused.statusCode, 429, 'the 21st request within the minute, half of them to each instance');
    assert.match(refused.body, /请求过于频繁/);
    assert.equal((await ask(s.b)).statusCode, 429);
  });

  test('a counter starts again after its window, and ended windows are pruned', async () => {
    assert.deepEqual((await hit(s.ctx.db, 'test|1.2.3.4', 200)).current, 1);
    assert.equal((await hit(s.ctx.db, 'test|1.2.3.4', 200)).current, 2);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await hit(s.ctx.db, 'test|1.2.3.4', 200)).current, 1);
    await new Promise((r) => setTimeout(r, 250));
    await pruneRateLimits(s.ctx.db);
    const left = await s.ctx.db.selectFrom('rate_limits').select('key').where('key', '=', 'test|1.2.3.4').execute();
    assert.deepEqual(left, []);
  });
});
