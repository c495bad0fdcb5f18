import { sql } from 'kysely';
import type { Db } from '../../core/db.ts';

/**
 * The requests as the annual report counts them: every case that can touch the dates `start`..`end` (open then,
 * received or decided then — inconsistent records too, so that the report's check can name them), and the appeals
 * filed then. `agencyId` null reads every agency of the site.
 */
export function casesTouching(db: Db, siteId: number, agencyId: number | null, start: string, end: string) {
  let q = db
    .selectFrom('requests')
    .select(['id', 'agency_id', 'applicant_type', 'received_on', 'decided_on', 'outcome'])
    .where('site_id', '=', siteId)
    .where((eb) =>
      eb.or([
        eb.and([eb('received_on', '<=', end), eb.or([eb('decided_on', 'is', null), eb('decided_on', '>=', start)])]),
        eb('received_on', '>=', start).and('received_on', '<=', end),
        eb('decided_on', '>=', start).and('decided_on', '<=', end),
      ]),
    );
  if (agencyId !== null) q = q.where('agency_id', '=', agencyId);
  return q.execute();
}

export function appealsFiled(db: Db, siteId: number, agencyId: number | null, start: string, end: string) {
  let q = db
    .selectFrom('request_appeals as a')
    .innerJoin('requests as r', 'r.id', 'a.request_id')
    .select(['a.request_id', 'r.agency_id', 'a.kind', 'a.filed_on', 'a.result', 'a.concluded_on'])
    .where('r.site_id', '=', siteId)
    .where('a.filed_on', '>=', start)
    .where('a.filed_on', '<=', end);
  if (agencyId !== null) q = q.where('r.agency_id', '=', agencyId);
  return q.execute();
}

export function trackingNumbers(db: Db, ids: number[]) {
  return db.selectFrom('requests').select(['id', 'tracking_no']).where('id', 'in', ids).execute();
}

/** Cases by id as a list for staff, without personal data. */
export function caseSummaries(db: Db, ids: number[]) {
  return db
    .selectFrom('requests as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .select([
      'r.id',
      'r.tracking_no',
      'r.applicant_type',
      'r.received_on',
      'r.decided_on',
      'r.outcome',
      'r.stage',
      'a.name as agency',
    ])
    .where('r.id', 'in', ids)
    .orderBy(sql`r.received_on nulls first`)
    .orderBy('r.id')
    .execute();
}
