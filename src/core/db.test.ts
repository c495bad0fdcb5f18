import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { DATABASES, freshDb } from '../../test/support/db.ts';
import { columnsOf, unnest } from './db.ts';

interface Row {
  n: number | null;
  s: string | null;
  day: string | null;
  at: Date | null;
  tags: string[];
}

for (const kind of DATABASES)
  test(`rows inserted through unnest arrive as given, any text and arrays included (${kind})`, async () => {
    const d = await freshDb(kind);
    try {
      await sql`create table t (n int, s text, day date, at timestamptz, tags text[])`.execute(d.db);
      const rows: Row[] = [
        {
          n: 1,
          s: 'a "quoted", {braced} \\ back\\slash\nline',
          day: '2025-10-01',
          at: new Date('2025-10-01T08:00:00Z'),
          tags: ['"', '\\', '{x,y}', 'NULL', ' ', '低保'],
        },
        { n: null, s: null, day: null, at: null, tags: [] },
        { n: 3, s: '', day: '2000-02-29', at: new Date('1999-12-31T16:00:00Z'), tags: ['一'] },
      ];
      const db = d.db as unknown as Kysely<{ t: Row }>;
      const types = { n: 'int', s: 'text', day: 'date', at: 'timestamptz', tags: 'text[]' } as const;
      await db.insertInto('t').columns(columnsOf(types)).expression(unnest(rows, types)).execute();
      const back = await db.selectFrom('t').selectAll().execute();
      assert.deepEqual(back, rows);
    } finally {
      await d.close();
    }
  });
