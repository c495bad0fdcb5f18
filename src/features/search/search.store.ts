import { type Kysely, sql } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';

/** The change outbox (search_changes) and the office's dictionary (search_terms). */

/** Records changes; returns their numbers. */
export function insertChanges(q: Kysely<DB>, siteId: number | null, keys: string[]) {
  return q
    .insertInto('search_changes')
    .values(keys.map((key) => ({ site_id: siteId, key })))
    .returning(['seq', 'key'])
    .execute();
}

/** The number of the oldest or the newest change kept, if any. */
export async function changeBound(db: Db, which: 'min' | 'max'): Promise<number | null> {
  const r = await db
    .selectFrom('search_changes')
    .select((eb) => (which === 'min' ? eb.fn.min('seq') : eb.fn.max('seq')).as('seq'))
    .executeTakeFirst();
  return r?.seq == null ? null : Number(r.seq);
}

/** Changes numbered after `seq` or among the gaps (numbers skipped that may still commit), in order. */
export function changesSince(db: Db, seq: number, gaps: number[], limit: number) {
  return db
    .selectFrom('search_changes')
    .select(['seq', 'key'])
    .where((eb) => (gaps.length ? eb.or([eb('seq', '>', seq), eb('seq', 'in', gaps)]) : eb('seq', '>', seq)))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function pruneChanges(db: Db, keepDays: number): Promise<void> {
  await db
    .deleteFrom('search_changes')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${keepDays})`)
    .execute();
}

export async function analyzeChanges(db: Db): Promise<void> {
  await sql`analyze search_changes`.execute(db);
}

/** The office's words, oldest first. */
export function dictionary(db: Db) {
  return db.selectFrom('search_terms').select('term').orderBy('created_at').execute();
}

/** Adds words; returns those that were new. */
export function insertTerms(q: Kysely<DB>, siteId: number, terms: string[], by: number | null) {
  return q
    .insertInto('search_terms')
    .values(terms.map((term) => ({ term, site_id: siteId, created_by: by })))
    .onConflict((oc) => oc.column('term').doNothing())
    .returning('term')
    .execute();
}

/** The office's words, newest first. */
export function latestTerms(db: Db, limit: number) {
  return db
    .selectFrom('search_terms')
    .select(['term', 'created_at'])
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
