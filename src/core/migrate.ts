import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

/** A migration's checksum: of its text with line ends made LF, so a checkout's line ends do not count as an edit. */
export const checksumOf = (text: string) => createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex');

/** A migration that was changed after it was applied: the database and the files no longer agree. */
export class MigrationEdited extends Error {
  constructor(readonly file: string) {
    super(
      `迁移文件 ${file} 在应用到数据库之后被修改过（校验和不一致）。已应用的迁移不能修改：请恢复该文件，把改动写进一个新的迁移文件。`,
    );
  }
}

/**
 * Applies the ordered files in migrations/ that have not run yet, each in its own transaction, and records each
 * one's checksum. A file applied earlier whose text has changed stops the start ({@link MigrationEdited}).
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(
    db,
  );
  // installations migrated before checksums were kept get the column, and their files' checksums on this run
  await sql`alter table schema_migrations add column if not exists checksum text`.execute(db);
  const files = readdirSync(dir)
    .filter((f) => NAME.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const checksum = checksumOf(text);
    const ran = await db.transaction().execute(async (trx) => {
      // one migrator at a time across instances
      await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
      const done = await sql<{ checksum: string | null }>`
        select checksum from schema_migrations where name = ${file}`.execute(trx);
      const recorded = done.rows[0];
      if (recorded) {
        if (recorded.checksum === null)
          await sql`update schema_migrations set checksum = ${checksum} where name = ${file}`.execute(trx);
        else if (recorded.checksum !== checksum) throw new MigrationEdited(file);
        return false;
      }
      await sql.raw(text).execute(trx);
      await sql`insert into schema_migrations (name, checksum) values (${file}, ${checksum})`.execute(trx);
      return true;
    });
    if (ran) applied.push(file);
  }
  return applied;
}
