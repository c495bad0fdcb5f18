import type { Kysely } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';

/** The office's dictionary (search_terms). */

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
