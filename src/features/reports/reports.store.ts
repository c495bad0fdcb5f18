import type { Kysely } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';

type Q = Kysely<DB>;

/** An agency's saved reports of the years. */
export function agencyReports(db: Db, agencyId: number, years: number[]) {
  return db
    .selectFrom('annual_reports')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('year', 'in', years)
    .execute();
}

/** Every agency's saved report of the site for a year. */
export function siteReports(db: Db, siteId: number, year: number) {
  return db.selectFrom('annual_reports').selectAll().where('site_id', '=', siteId).where('year', '=', year).execute();
}

/** An agency's submitted tables of the years from..to. */
export function snapshotsBetween(db: Db, agencyId: number, from: number, to: number) {
  return db
    .selectFrom('annual_reports')
    .select(['year', 'snapshot'])
    .where('agency_id', '=', agencyId)
    .where('year', '>=', from)
    .where('year', '<=', to)
    .execute();
}

export function lockReport(q: Q, agencyId: number, year: number) {
  return q
    .selectFrom('annual_reports')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('year', '=', year)
    .forUpdate()
    .executeTakeFirst();
}

export interface ReportTexts {
  overview: string;
  problems: string;
  other_matters: string;
  manual: string;
  updated_at: Date;
  updated_by: number;
}

/** Writes a report that is not submitted; returns its id, or null when it was submitted meanwhile. */
export async function writeReport(
  q: Q,
  id: number | undefined,
  key: { siteId: number; agencyId: number; year: number },
  values: ReportTexts,
): Promise<number | null> {
  if (id !== undefined) {
    await q.updateTable('annual_reports').set(values).where('id', '=', id).execute();
    return id;
  }
  // a first save racing another one becomes an update of the row the other created
  const created = await q
    .insertInto('annual_reports')
    .values({ site_id: key.siteId, agency_id: key.agencyId, year: key.year, ...values })
    .onConflict((oc) =>
      oc.columns(['agency_id', 'year']).doUpdateSet(values).where('annual_reports.snapshot', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  return created?.id ?? null;
}

/** Freezes a report with what is submitted; false when it was frozen already. */
export async function claimReport(q: Q, id: number, snapshot: string, at: Date, by: number): Promise<boolean> {
  const r = await q
    .updateTable('annual_reports')
    .set({ snapshot, submitted_at: at, submitted_by: by })
    .where('id', '=', id)
    .where('snapshot', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Opens a report for editing again: no snapshot, not submitted. */
export function unfreezeReport(q: Q, id: number, edited?: { at: Date; by: number }) {
  return q
    .updateTable('annual_reports')
    .set({
      snapshot: null,
      submitted_at: null,
      submitted_by: null,
      ...(edited ? { updated_at: edited.at, updated_by: edited.by } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export function linkPublication(q: Q, id: number, publicationId: number) {
  return q.updateTable('annual_reports').set({ publication_id: publicationId }).where('id', '=', id).execute();
}
