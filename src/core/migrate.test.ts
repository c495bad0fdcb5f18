import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../../test/support/db.ts';

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
