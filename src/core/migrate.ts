import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './db.ts';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

/** Applies the ordered files in migrations/ that have not run yet, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(
    db,
  );
  const files = readdirSync(migrationsDir)
    .filter((f) => NAME.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const ran = await db.transaction().execute(async (trx) => {
      // one migrator at a time across instances
      await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
      const done = await sql<{ name: string }>`select name from schema_migrations where name = ${file}`.execute(trx);
      if (done.rows.length) return false;
      await sql.raw(readFileSync(path.join(migrationsDir, file), 'utf8')).execute(trx);
      await sql`insert into schema_migrations (name) values (${file})`.execute(trx);
      return true;
    });
    if (ran) applied.push(file);
  }
  return applied;
}
