import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb, testConfig, testCtx } from '../../test/support/db.ts';
import { onePagePdf } from '../../test/support/fixture.ts';
import { loadDemo } from '../demo/demo.ts';
import { backup, restore } from './backup.ts';
import { dataKey } from './config.ts';
import type { Db } from './db.ts';
import { recordFile } from './files.ts';

/** Every table's rows as JSON, in a fixed order: two installations hold the same data when these are equal. */
async function contents(db: Db): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' and c.relname <> 'schema_migrations'`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { name } of tables.rows)
    out[name] = (
      await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(name)} t order by 1`.execute(db)
    ).rows.map((r) => r.row);
  return out;
}

/** Every file of a file store by its path under the store, with its content's hash. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) {
      const file = path.join(e.parentPath, e.name);
      out[path.relative(dir, file)] = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    }
  return out;
}

for (const kind of DATABASES) {
  describe(`backup and restore on ${kind}`, () => {
    test('an installation restored into an empty one holds every row and file, and goes on from there', async () => {
      const source = await freshDb(kind);
      const target = await freshDb(kind);
      try {
        const config = testConfig();
        const ctx = testCtx(source.db, config);
        // the demo site with its cases (sealed ID numbers, proofs), attachments, audit log and outbox
        await loadDemo(ctx, { publications: 24 });
        const pdf = onePagePdf('Kept in the backup');
        const hash = await ctx.files.put(pdf);
        await recordFile(source.db, { hash, size: pdf.length, mime: 'application/pdf' });
        const out = mkdtempSync(path.join(tmpdir(), 'gk-backup-'));
        const manifest = await backup(source.db, config.filesDir, dataKey(config), out);
        assert.ok(manifest.tables.publications >= 24);
        assert.ok(manifest.tables.requests > 0 && manifest.tables.audit_events > 0);
        assert.ok(manifest.files > 0);
        // a backup is written into an empty directory only
        await assert.rejects(backup(source.db, config.filesDir, dataKey(config), out), /不是空目录/);

        // another installation with the same data key, empty
        const elsewhere = testConfig({ DATA_KEY: dataKey(config).toString('hex') });
        const restored = await restore(target.db, elsewhere.filesDir, dataKey(elsewhere), out);
        assert.deepEqual(restored.tables, manifest.tables);
        assert.deepEqual(await contents(target.db), await contents(source.db));
        assert.deepEqual(await filesOf(elsewhere.filesDir), await filesOf(config.filesDir));

        // it goes on: the next ids follow the restored ones
        const next = await target.db
          .insertInto('columns')
          .values({
            site_id: (await target.db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id,
            name: '新栏目',
            slug: 'xlm',
            kind: 'general',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const max = await source.db
          .selectFrom('columns')
          .select((eb) => eb.fn.max('id').as('m'))
          .executeTakeFirstOrThrow();
        assert.equal(next.id, Number(max.m) + 1);

        // refusals: a database that is not empty, another data key, a directory that is not a finished backup
        await assert.rejects(restore(target.db, elsewhere.filesDir, dataKey(elsewhere), out), /只能恢复到空的数据库/);
        const fresh = await freshDb(kind);
        try {
          await assert.rejects(restore(fresh.db, elsewhere.filesDir, Buffer.alloc(32, 9), out), /数据密钥/);
          const unfinished = mkdtempSync(path.join(tmpdir(), 'gk-backup-'));
          await mkdir(path.join(unfinished, 'tables'));
          await writeFile(path.join(unfinished, 'tables', 'sites.jsonl.gz'), '');
          await assert.rejects(restore(fresh.db, elsewhere.filesDir, dataKey(elsewhere), unfinished), /不是完整的备份/);
          assert.equal((await fresh.db.selectFrom('sites').select('id').execute()).length, 0, 'nothing half-restored');
        } finally {
          await fresh.close();
        }
      } finally {
        await source.close();
        await target.close();
      }
    });
  });
}
