import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../../test/support/db.ts';
import { checksumOf, MIGRATIONS_DIR, MigrationEdited, migrate } from './migrate.ts';

for (const kind of DATABASES)
  test(`document bodies are compressed with lz4 where the database has it, else stored uncompressed (${kind})`, async () => {
    const d = await freshDb(kind);
    try {
      const { rows } = await sql<{ table: string; column: string; method: string; storage: string }>`
        select attrelid::regclass::text as table, attname as column, attcompression as method, attstorage as storage
        from pg_attribute
        where (attrelid = 'editions'::regclass and attname in ('body_html', 'body_text'))
           or (attrelid = 'attachments'::regclass and attname = 'text_content')`.execute(d.db);
      assert.equal(rows.length, 3);
      // PostgreSQL as Debian builds it has lz4 (and compresses); the embedded database has not, and does not compress
      for (const r of rows)
        assert.deepEqual([r.method, r.storage], kind === 'postgres' ? ['l', 'x'] : ['', 'e'], `${r.table}.${r.column}`);
    } finally {
      await d.close();
    }
  });

test('an applied migration that was edited stops the start with a clear message; checksums are kept and back-filled', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  const d = await freshDb('pglite');
  try {
    // freshDb migrated with the real files: every checksum is recorded
    const { rows } = await sql<{ name: string; checksum: string }>`
      select name, checksum from schema_migrations order by name`.execute(d.db);
    assert.ok(rows.length >= 6);
    for (const r of rows)
      assert.equal(r.checksum, checksumOf(readFileSync(path.join(MIGRATIONS_DIR, r.name), 'utf8')), r.name);
    // the same files again (with Windows line ends) apply nothing and are accepted
    const first = rows[0].name;
    const original = readFileSync(path.join(dir, first), 'utf8');
    writeFileSync(path.join(dir, first), original.replace(/\n/g, '\r\n'));
    assert.deepEqual(await migrate(d.db, dir), []);
    // an edit to an applied file is refused, naming it
    writeFileSync(path.join(dir, first), `${original}\ncreate table sneaky (id int);\n`);
    await assert.rejects(migrate(d.db, dir), (e: Error) => e instanceof MigrationEdited && e.message.includes(first));
    const sneaky = await sql`select to_regclass('sneaky') as t`.execute(d.db);
    assert.deepEqual(sneaky.rows, [{ t: null }], 'nothing of the edited file ran');
    // a database migrated before checksums were kept gets them recorded, and the edit is then caught
    writeFileSync(path.join(dir, first), original);
    await sql`update schema_migrations set checksum = null`.execute(d.db);
    assert.deepEqual(await migrate(d.db, dir), []);
    const filled = await sql<{
      n: number;
    }>`select count(*)::int as n from schema_migrations where checksum is null`.execute(d.db);
    assert.equal(filled.rows[0].n, 0);
    // a new file is applied and recorded
    writeFileSync(path.join(dir, '9999_test_extra.sql'), 'create table test_extra (id int);');
    assert.deepEqual(await migrate(d.db, dir), ['9999_test_extra.sql']);
  } finally {
    await d.close();
  }
});
