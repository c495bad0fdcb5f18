import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openPGlite, pgliteDb } from './db.ts';

test('an embedded database is one process’s: another is refused while it lives, a dead one’s claim is taken over', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'gk-claim-')), 'pg');
  // another process holds the files (a server, while a command is run)
  const other = spawn('sleep', ['30']);
  await once(other, 'spawn');
  writeFileSync(`${dir}.pid`, String(other.pid));
  await assert.rejects(openPGlite(dir, false), /正由进程 \d+ 使用，一次只能由一个进程打开/);
  // it was killed: its claim is stale
  other.kill('SIGKILL');
  await once(other, 'exit');
  const db = pgliteDb(await openPGlite(dir, false));
  assert.equal(readFileSync(`${dir}.pid`, 'utf8'), String(process.pid));
  await db
    .selectFrom('pg_catalog.pg_class' as never)
    .selectAll()
    .limit(1)
    .execute();
  await db.destroy();
  assert.equal(existsSync(`${dir}.pid`), false, 'released when closed');
});
