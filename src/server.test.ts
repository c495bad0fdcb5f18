import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { ownCluster } from '../test/support/cluster.ts';

const cli = path.join(import.meta.dirname, 'cli.ts');

/** Runs `cli.ts serve` with the environment given; resolves with its exit code and what it printed. */
function serve(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'gk-serve-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out })),
  );
  return { child, exited };
}

test('a database that cannot be reached at start is said plainly, and the process ends', async () => {
  const { exited } = serve({ DATABASE_URL: 'postgres://gongkai:secret@127.0.0.1:1/gk', PORT: '0' });
  const { code, out } = await exited;
  assert.notEqual(code, 0);
  assert.match(out, /无法连接数据库 postgres:\/\/gongkai:\*\*\*@127\.0\.0\.1:1\/gk/);
  assert.ok(!out.includes('secret'), 'the password is not printed');
});

test('SIGTERM stops the server within a bound even while its database hangs', async () => {
  const cluster = ownCluster();
  try {
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database gk');
    await admin.end();
    const port = String(21_000 + Math.floor(Math.random() * 9000));
    const { child, exited } = serve({ DATABASE_URL: cluster.url('gk'), PORT: port, DB_STATEMENT_SECONDS: '30' });
    for (let i = 0; i < 120; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/api/v1/sites`).then(
        (r) => r.status,
        () => 0,
      );
      if (up === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    cluster.pause();
    // a request stuck on the hung database, then the stop
    void fetch(`http://127.0.0.1:${port}/admin/login`).catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    const stopping = Date.now();
    child.kill('SIGTERM');
    const { code } = await exited;
    const took = Date.now() - stopping;
    assert.ok(took < 20_000, `stopped in ${took} ms`);
    assert.notEqual(code, null, 'it exited by itself');
  } finally {
    cluster.resume();
    cluster.remove();
  }
});
