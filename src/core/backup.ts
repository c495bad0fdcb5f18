import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Db } from './db.ts';

/**
 * Backups of an installation, the same on PGlite and on PostgreSQL: every table's rows read in one repeatable-read
 * transaction (a consistent snapshot, while the platform keeps running on PostgreSQL), written as compressed JSON
 * lines (`to_jsonb`, so every type comes back as it was), and the file store (content-addressed files that never
 * change, copied after the snapshot, so every file a row names is there). Restored into an empty installation of
 * the same version; the search index is rebuilt from the restored rows.
 */
export interface Manifest {
  format: 1;
  createdAt: string;
  /** The migrations the database had: a backup is restored by the same version. */
  migrations: string[];
  /** Rows per table. */
  tables: Record<string, number>;
  files: number;
  /** A fingerprint of the data key that sealed the applicants' ID numbers (never the key). */
  dataKey: string;
}

const BATCH = 1000;
/** The table of applied migrations is the target's own, made by migrating it. */
const OWN_TABLES = new Set(['schema_migrations']);

const keyPrint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

async function tablesOf(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r' order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

async function migrationsOf(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []))
    if (e.isFile() && !e.name.endsWith('.tmp')) n++;
  return n;
}

/** Writes a backup of the database and the file store into `out` (a new or empty directory). */
export async function backup(db: Db, filesDir: string, key: Buffer, out: string): Promise<Manifest> {
  await mkdir(path.join(out, 'tables'), { recursive: true });
  if ((await readdir(out)).some((f) => f !== 'tables')) throw new Error(`备份目录 ${out} 不是空目录`);
  const tables: Record<string, number> = {};
  const migrations = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      for (const table of await tablesOf(trx)) {
        if (OWN_TABLES.has(table)) continue;
        const gzip = createGzip();
        const done = new Promise<void>((resolve, reject) =>
          gzip
            .pipe(createWriteStream(path.join(out, 'tables', `${table}.jsonl.gz`)))
            .on('finish', resolve)
            .on('error', reject),
        );
        await sql`declare gk_backup no scroll cursor for select to_jsonb(t)::text as row from ${sql.table(table)} t`.execute(
          trx,
        );
        let rows = 0;
        for (;;) {
          const batch = await sql<{ row: string }>`fetch ${sql.raw(String(BATCH))} from gk_backup`.execute(trx);
          for (const r of batch.rows)
            if (!gzip.write(`${r.row}\n`)) await new Promise<void>((resolve) => gzip.once('drain', () => resolve()));
          rows += batch.rows.length;
          if (batch.rows.length < BATCH) break;
        }
        await sql`close gk_backup`.execute(trx);
        gzip.end();
        await done;
        tables[table] = rows;
      }
      return migrationsOf(trx);
    });
  await cp(filesDir, path.join(out, 'files'), { recursive: true, filter: (src) => !src.endsWith('.tmp') }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    },
  );
  const manifest: Manifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    migrations,
    tables,
    files: await countFiles(path.join(out, 'files')),
    dataKey: keyPrint(key),
  };
  // written last: a backup without its manifest is an unfinished one
  await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flush: true });
  return manifest;
}

/** Reads a backup's manifest, or says in Chinese why the directory is not a finished backup. */
export async function readManifest(from: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(from, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new Error(`${from} 不是完整的备份（没有 manifest.json）`);
  }
  if (manifest.format !== 1) throw new Error(`不支持的备份格式：${manifest.format}`);
  return manifest;
}

/**
 * Restores a backup into an empty, migrated installation: every row in one transaction (foreign keys are checked
 * by the backup's consistency, not row by row, so the tables' order does not matter; this needs the database's
 * superuser, as PGlite's own user is), the sequences moved past the restored ids, then the files.
 */
export async function restore(db: Db, filesDir: string, key: Buffer, from: string): Promise<Manifest> {
  const manifest = await readManifest(from);
  const here = await migrationsOf(db);
  if (JSON.stringify(here) !== JSON.stringify(manifest.migrations))
    throw new Error('备份与本程序的数据库版本不同：请用备份时的版本恢复，或先升级再备份');
  if (manifest.dataKey !== keyPrint(key))
    throw new Error('数据密钥（DATA_KEY）与备份时不同：申请人的证件号码将无法读取。请设置备份时的密钥后再恢复');
  await db.transaction().execute(async (trx) => {
    const tables = await tablesOf(trx);
    for (const table of Object.keys(manifest.tables))
      if (!tables.includes(table)) throw new Error(`备份中的表 ${table} 在本数据库中不存在`);
    for (const table of Object.keys(manifest.tables)) {
      const used = await sql<{ any: boolean }>`select exists (select 1 from ${sql.table(table)}) as any`.execute(trx);
      if (used.rows[0].any) throw new Error(`只能恢复到空的数据库：本数据库的 ${table} 表已有数据`);
    }
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const table of Object.keys(manifest.tables)) {
      const cols = await sql<{ name: string }>`
        select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER'
        order by ordinal_position`.execute(trx);
      const columns = sql.join(cols.rows.map((c) => sql.ref(c.name)));
      const insert = (rows: string[]) =>
        sql`insert into ${sql.table(table)} (${columns})
          select ${columns} from jsonb_populate_recordset(null::${sql.table(table)}, ${`[${rows.join(',')}]`}::jsonb)`.execute(
          trx,
        );
      const lines = createInterface({
        input: createReadStream(path.join(from, 'tables', `${table}.jsonl.gz`)).pipe(createGunzip()),
      });
      let batch: string[] = [];
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length === BATCH) {
          await insert(batch);
          batch = [];
        }
      }
      if (batch.length) await insert(batch);
    }
    // the next ids follow the restored ones
    const serials = await sql<{ t: string; c: string }>`
      select table_name as t, column_name as c from information_schema.columns
      where table_schema = current_schema() and (column_default like 'nextval(%' or is_identity = 'YES')`.execute(trx);
    for (const s of serials.rows)
      await sql`select setval(pg_get_serial_sequence(${s.t}, ${s.c}),
        coalesce((select max(${sql.ref(s.c)}) from ${sql.table(s.t)}), 1),
        (select max(${sql.ref(s.c)}) from ${sql.table(s.t)}) is not null)`.execute(trx);
  });
  const files = path.join(from, 'files');
  if ((await stat(files).catch(() => null))?.isDirectory()) await cp(files, filesDir, { recursive: true });
  return manifest;
}

/** A backup in the backup folder: its folder's name (when it was taken), its manifest, its size on disk. */
export interface StoredBackup {
  name: string;
  manifest: Manifest;
  bytes: number;
}

const DATED = /^\d{8}-\d{6}$/;

async function sizeOf(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += (await stat(path.join(e.parentPath, e.name))).size;
  return n;
}

/** The finished backups in a folder, the newest first (a folder without its manifest is unfinished: left out). */
export async function listBackups(root: string): Promise<StoredBackup[]> {
  const out: StoredBackup[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => []))
    if (e.isDirectory() && DATED.test(e.name)) {
      const manifest = await readManifest(path.join(root, e.name)).catch(() => null);
      if (manifest) out.push({ name: e.name, manifest, bytes: await sizeOf(path.join(root, e.name)) });
    }
  return out.sort((a, b) => b.name.localeCompare(a.name));
}

/** Backups being taken in this process: one at a time (a second asks while one is under way: refused). */
let taking = false;

/**
 * Takes a backup into a new folder of `root` named by the time (Beijing), then keeps the newest `keep` finished
 * ones and removes unfinished ones left by a stop more than a day old. Runs inside the platform, so the embedded
 * database is backed up while it serves (its one connection is held for the snapshot's read).
 */
export async function backupInto(
  db: Db,
  filesDir: string,
  key: Buffer,
  root: string,
  keep: number,
  now: Date,
): Promise<StoredBackup> {
  if (taking) throw new Error('正在备份，请稍后再试');
  taking = true;
  try {
    const name = new Date(now.getTime() + 8 * 3600_000)
      .toISOString()
      .slice(0, 19)
      .replace(/[-:]/g, '')
      .replace('T', '-');
    const out = path.join(root, name);
    await mkdir(root, { recursive: true });
    if (await stat(out).catch(() => null)) throw new Error('同一秒内已有一份备份，请稍后再试');
    const manifest = await backup(db, filesDir, key, out);
    const finished = await listBackups(root);
    for (const old of finished.slice(keep)) await rm(path.join(root, old.name), { recursive: true, force: true });
    const done = new Set(finished.map((b) => b.name));
    for (const e of await readdir(root, { withFileTypes: true }))
      if (e.isDirectory() && DATED.test(e.name) && !done.has(e.name) && e.name !== name) {
        const age = now.getTime() - (await stat(path.join(root, e.name))).mtimeMs;
        if (age > 86_400_000) await rm(path.join(root, e.name), { recursive: true, force: true });
      }
    return { name, manifest, bytes: await sizeOf(out) };
  } finally {
    taking = false;
  }
}
