import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../../test/support/db.ts';

for (const kind of DATABASES)
  test(`document bodies are compressed with lz4 where the database has it (${kind})`, async () => {
    const d = await freshDb(kind);
    try {
      const { rows } = await sql<{ table: string; column: string; method: string }>`
        select attrelid::regclass::text as table, attname as column, attcompression as method from pg_attribute
        where (attrelid = 'editions'::regclass and attname in ('body_html', 'body_text'))
           or (attrelid = 'attachments'::regclass and attname = 'text_content')`.execute(d.db);
      assert.equal(rows.length, 3);
      // PostgreSQL as Debian builds it has lz4; the embedded database does not and keeps its default (pglz)
      for (const r of rows) assert.equal(r.method, kind === 'postgres' ? 'l' : '', `${r.table}.${r.column}`);
    } finally {
      await d.close();
    }
  });
