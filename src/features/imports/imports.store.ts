import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB, Import, ImportsTable } from '../../core/db.types.ts';

type Q = Kysely<DB>;

export async function insertImport(q: Q, values: Insertable<ImportsTable>): Promise<number> {
  return (await q.insertInto('imports').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function importRow(db: Db, siteId: number, id: number) {
  return db.selectFrom('imports').selectAll().where('id', '=', id).where('site_id', '=', siteId).executeTakeFirst();
}

/** The site's latest import of this file that has not finished, if any. */
export function unfinishedImportOf(db: Db, siteId: number, fileHash: string) {
  return db
    .selectFrom('imports')
    .select('id')
    .where('site_id', '=', siteId)
    .where('file_hash', '=', fileHash)
    .where('status', 'in', ['pending', 'running', 'failed'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Moves an import from one state to the next; false when it was not in `from` (someone else moved it). */
export async function moveImport(
  q: Q,
  id: number,
  from: { status: Import['status']; siteId?: number },
  set: Updateable<ImportsTable>,
): Promise<boolean> {
  let query = q.updateTable('imports').set(set).where('id', '=', id).where('status', '=', from.status);
  if (from.siteId !== undefined) query = query.where('site_id', '=', from.siteId);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Takes an import to run: a pending one, or a running one whose heartbeat is older than `staleSeconds`. */
export function claimImport(db: Db, id: number, staleSeconds: number) {
  return db
    .updateTable('imports')
    .set({ status: 'running', heartbeat_at: sql`now()` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        eb.and([
          eb('status', '=', 'running'),
          eb('heartbeat_at', '<', sql<Date>`now() - interval '${sql.raw(String(Math.trunc(staleSeconds)))} seconds'`),
        ]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

export async function keptErrors(q: Q, id: number): Promise<number> {
  const r = await q
    .selectFrom('import_errors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('import_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertErrors(
  q: Q,
  id: number,
  errors: { n: number; field: string; message: string }[],
): Promise<void> {
  if (!errors.length) return;
  await q
    .insertInto('import_errors')
    .values(errors.map((e) => ({ import_id: id, row_number: e.n, field: e.field, message: e.message })))
    .onConflict((oc) => oc.columns(['import_id', 'row_number', 'field']).doNothing())
    .execute();
}

/** Records a batch's progress: the last row read and the counts it adds. */
export function addProgress(
  q: Q,
  id: number,
  p: { doneRows: number; imported: number; duplicates: number; badRows: number },
) {
  return q
    .updateTable('imports')
    .set((eb) => ({
      done_rows: p.doneRows,
      imported_rows: eb('imported_rows', '+', p.imported),
      duplicate_rows: eb('duplicate_rows', '+', p.duplicates),
      error_rows: eb('error_rows', '+', p.badRows),
      heartbeat_at: sql`now()`,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function finishImport(q: Q, id: number) {
  return q
    .updateTable('imports')
    .set({ status: 'done', finished_at: sql`now()`, heartbeat_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function failImport(db: Db, id: number, message: string): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: 'failed', message, heartbeat_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Imports waiting to run or left running by a stopped process. */
export function importsToRun(db: Db) {
  return db.selectFrom('imports').select('id').where('status', 'in', ['pending', 'running']).orderBy('id').execute();
}

export function errorsOf(db: Db, id: number, limit: number) {
  return db
    .selectFrom('import_errors')
    .selectAll()
    .where('import_id', '=', id)
    .orderBy('row_number')
    .orderBy('field')
    .limit(limit)
    .execute();
}

export function importsOfSite(db: Db, siteId: number) {
  return db.selectFrom('imports').selectAll().where('site_id', '=', siteId).orderBy('id', 'desc').limit(200).execute();
}

/** An import left unfinished, set to be run again (its heartbeat cleared, so it is taken at once). */
export async function reopenImport(db: Db, id: number): Promise<void> {
  await db.updateTable('imports').set({ status: 'pending', heartbeat_at: null }).where('id', '=', id).execute();
}
