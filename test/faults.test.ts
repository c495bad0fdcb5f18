import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createApiToken } from '../src/core/auth.ts';
import { shanghaiDate } from '../src/core/calendar.ts';
import { type Db, openPGlite, pgliteDb, postgresDb } from '../src/core/db.ts';
import { migrate } from '../src/core/migrate.ts';
import { ownCluster } from './support/cluster.ts';
import { testConfig, testCtx } from './support/db.ts';
import { demoFixture, draftFields } from './support/fixture.ts';
import { PERSON } from './support/requests.ts';

/**
 * kill -9 of a running instance under a write load — applications registered, drafts created, publications taken
 * through review and published — five times on each database: every write the instance acknowledged to its client
 * is there after the restart. The instance is the real server process (`cli.ts serve`), reached over HTTP.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = 5;
const WORKERS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STATES = ['draft', 'submitted', 'reviewed', 'published'];

interface Target {
  env: Record<string, string>;
  /** The database, opened by the test between the server's runs. */
  open: () => Promise<{ db: Db; close: () => Promise<void> }>;
  cleanup: () => void;
}

async function pgliteTarget(): Promise<Target> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-kill-'));
  const open = async () => {
    const db = pgliteDb(await openPGlite(path.join(dir, 'pg'), true));
    return { db, close: () => db.destroy() };
  };
  return { env: { DATA_DIR: dir }, open, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresTarget(cluster = ownCluster()): Promise<Target> {
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('create database gk');
  await admin.end();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-kill-'));
  const open = async () => {
    const db = postgresDb(cluster.url('gk'), 2);
    return { db, close: () => db.destroy() };
  };
  return {
    env: { DATA_DIR: dir, DATABASE_URL: cluster.url('gk') },
    open,
    cleanup: () => {
      cluster.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function startServer(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'error',
      SESSION_SECRET: 's'.repeat(40),
      DATA_KEY: 'ab'.repeat(32),
      REQUESTS_PER_MINUTE: '1000000',
    },
    stdio: 'ignore',
  });
}

async function waitUp(port: number) {
  for (let i = 0; i < 240; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/admin/login`);
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error('the server did not start');
}

/** The demo site with a few publications, and API tokens of the staff who write in the load. */
async function prepare(target: Target) {
  const setup = await target.open();
  try {
    await migrate(setup.db);
    const f = await demoFixture(testCtx(setup.db, testConfig()), 2);
    const tokens: Record<string, string> = {};
    for (const username of ['office', 'editor', 'reviewer', 'secrecy']) {
      const u = await setup.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      tokens[username] = (await createApiToken(setup.db, u.id, '故障演练')).token;
    }
    return { f, tokens };
  } finally {
    await setup.close();
  }
}

/**
 * Writers over the API: applications registered, drafts created and taken through review to publication. Keeps what
 * the instance acknowledged, and every answer's status.
 */
class WriteLoad {
  readonly registered = new Set<string>();
  /** Each edition and the furthest state its instance said it reached. */
  readonly editions = new Map<number, { publicationId: number; state: string }>();
  readonly statuses = new Map<number, number>();
  /** The Chinese messages of the 503 answers. */
  readonly unavailable = new Set<string>();
  private stopped = false;
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly base: string,
    private readonly fixture: Awaited<ReturnType<typeof prepare>>,
  ) {}

  start(n = WORKERS) {
    this.stopped = false;
    for (let i = 0; i < n; i++) this.workers.push(this.work(i));
  }

  async stop() {
    this.stopped = true;
    await Promise.all(this.workers.splice(0));
  }

  private async call(who: string, url: string, body: unknown) {
    const res = await fetch(this.base + url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.fixture.tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
    if (res.status === 503) this.unavailable.add(String(json.message));
    return { status: res.status, json };
  }

  private async work(n: number) {
    const { f } = this.fixture;
    const today = shanghaiDate(new Date());
    for (let i = 0; !this.stopped; i++) {
      try {
        if ((i + n) % 2 === 0) {
          const r = await this.call('office', '/api/v1/sites/demo/requests', {
            ...PERSON,
            description: `故障演练申请 ${n}-${i}-${Math.random()}`,
            agencyId: f.agencies[5].id,
            channel: 'letter',
            receivedOn: today,
          });
          if (r.status === 201) this.registered.add(String(r.json.trackingNo));
          else if (r.status === 503) await sleep(100);
          continue;
        }
        const d = await this.call('editor', '/api/v1/sites/demo/publications', {
          ...draftFields(f, 1, { title: `关于故障演练的通知 ${n}-${i}` }),
          agencyId: f.agencies[1].id,
        });
        if (d.status !== 201) {
          if (d.status === 503) await sleep(100);
          continue;
        }
        const editionId = Number(d.json.editionId);
        const record = { publicationId: Number(d.json.publicationId), state: 'draft' };
        this.editions.set(editionId, record);
        for (const [who, action, state] of [
          ['editor', 'submit', 'submitted'],
          ['reviewer', 'approve_review', 'reviewed'],
          ['secrecy', 'approve_confidentiality', 'published'],
        ] as const) {
          const r = await this.call(who, `/api/v1/editions/${editionId}/actions/${action}`, {});
          if (r.status !== 200) break;
          record.state = state;
        }
      } catch {
        // the connection died with the process: that write was not acknowledged
        await sleep(50);
      }
    }
  }

  /** Every acknowledged write is in the database. */
  async verify(db: Db, when: string) {
    const numbers = [...this.registered];
    const found = numbers.length
      ? await db.selectFrom('requests').select('tracking_no').where('tracking_no', 'in', numbers).execute()
      : [];
    assert.equal(found.length, numbers.length, `${when}: every acknowledged application is there`);
    const ids = [...this.editions.keys()];
    const rows = ids.length
      ? await db.selectFrom('editions').select(['id', 'state']).where('id', 'in', ids).execute()
      : [];
    assert.equal(rows.length, ids.length, `${when}: every acknowledged draft is there`);
    for (const row of rows) {
      const said = this.editions.get(row.id)!.state;
      assert.ok(
        STATES.indexOf(row.state) >= STATES.indexOf(said),
        `edition ${row.id}: acknowledged ${said}, found ${row.state}`,
      );
    }
    const published = [...this.editions.values()].filter((e) => e.state === 'published').map((p) => p.publicationId);
    if (published.length) {
      const live = await db
        .selectFrom('publications')
        .select('id')
        .where('status', '=', 'published')
        .where('id', 'in', published)
        .execute();
      assert.equal(live.length, published.length, `${when}: every acknowledged publication is live`);
    }
    return published.length;
  }
}

for (const kind of ['pglite', 'postgres'] as const)
  describe(`kill -9 under writes (${kind})`, { timeout: 900_000 }, () => {
    test(`${ROUNDS} rounds: everything acknowledged is there after the restart`, async (t) => {
      const target = kind === 'pglite' ? await pgliteTarget() : await postgresTarget();
      try {
        const port = 22_000 + Math.floor(Math.random() * 8_000);
        const load = new WriteLoad(`http://127.0.0.1:${port}`, await prepare(target));
        let live = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const server = startServer(target.env, port);
          const exited = new Promise((r) => server.once('exit', r));
          await waitUp(port);
          load.start();
          // long enough for writes on a busy machine (PGlite serialises them), short enough for five rounds
          await sleep(2000 + Math.random() * 2000);
          server.kill('SIGKILL');
          await exited;
          await load.stop();
          const { db, close } = await target.open();
          try {
            live = await load.verify(db, `round ${round + 1}`);
          } finally {
            await close();
          }
        }
        t.diagnostic(
          `${kind}: ${load.registered.size} applications, ${load.editions.size} drafts, ${live} published — acknowledged, killed ${ROUNDS} times, all found`,
        );
        assert.ok(load.registered.size >= 5 && load.editions.size >= 5, 'a real load');
      } finally {
        target.cleanup();
      }
    });
  });

test('PostgreSQL restarted under writes: 503 in Chinese while it is down, back by itself, nothing acknowledged lost', {
  timeout: 300_000,
}, async (t) => {
  const cluster = ownCluster();
  const target = await postgresTarget(cluster);
  const port = 22_000 + Math.floor(Math.random() * 8_000);
  const load = new WriteLoad(`http://127.0.0.1:${port}`, await prepare(target));
  const server = startServer({ ...target.env, DB_CONNECT_SECONDS: '1', DB_STATEMENT_SECONDS: '3' }, port);
  const exited = new Promise((r) => server.once('exit', r));
  try {
    await waitUp(port);
    load.start();
    await sleep(1500);
    cluster.crash();
    await sleep(2000);
    cluster.start();
    const before = load.registered.size;
    for (let i = 0; i < 100 && load.registered.size <= before + 5; i++) await sleep(200);
    await load.stop();
    assert.ok(load.registered.size > before + 5, 'writes are acknowledged again after the restart');
    assert.ok((load.statuses.get(503) ?? 0) > 0, 'answers 503 while the database is down');
    assert.deepEqual([...load.unavailable], ['系统繁忙或正在维护，请稍后再试']);
    assert.deepEqual(
      [...load.statuses.keys()].filter((s) => s >= 500 && s !== 503),
      [],
      'no other server error',
    );
    assert.equal(server.exitCode, null, 'the instance kept running');
    const { db, close } = await target.open();
    try {
      await load.verify(db, 'after the restart');
    } finally {
      await close();
    }
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(load.statuses))}`);
  } finally {
    server.kill('SIGKILL');
    await exited;
    target.cleanup();
  }
});
