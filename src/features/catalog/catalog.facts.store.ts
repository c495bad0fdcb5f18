import type { Kysely } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';

/** The live items of the genres (规章, 行政规范性文件 …) with the dates the annual report's Table 二 needs. */
export function livePoliciesOf(db: Db, siteId: number, agencyId: number | null, genres: string[]) {
  let q = db
    .selectFrom('publications as p')
    .innerJoin('editions as e', 'e.publication_id', 'p.id')
    .select([
      'p.id',
      'p.agency_id',
      'e.genre',
      'e.written_on',
      'p.first_published_at',
      'e.validity',
      'e.validity_changed_on',
    ])
    .where('p.site_id', '=', siteId)
    .where('p.status', '=', 'published')
    .where('e.state', '=', 'published')
    .where('e.genre', 'in', genres);
  if (agencyId !== null) q = q.where('p.agency_id', '=', agencyId);
  return q.execute();
}

export function publicationStatuses(db: Db, ids: number[]) {
  return db.selectFrom('publications').select(['id', 'status', 'first_published_at']).where('id', 'in', ids).execute();
}

/** The edition of an item still in the workflow (draft, in review or scheduled), if any. */
export function editionInWorkflow(db: Db, publicationId: number) {
  return db
    .selectFrom('editions')
    .select(['id', 'state', 'rejection_reason'])
    .where('publication_id', '=', publicationId)
    .where('state', 'in', ['draft', 'submitted', 'reviewed', 'scheduled'])
    .executeTakeFirst();
}

export function firstColumnOfKind(db: Db, siteId: number, kind: string) {
  return db
    .selectFrom('columns')
    .select('id')
    .where('site_id', '=', siteId)
    .where('kind', '=', kind)
    .orderBy('sort')
    .orderBy('id')
    .executeTakeFirst();
}

/** Published or withdrawn items by id, with their catalogue fields. */
export function publicItems(db: Db, ids: number[]) {
  return db
    .selectFrom('publications as p')
    .innerJoin('editions as e', 'e.publication_id', 'p.id')
    .select(['p.id', 'p.index_no', 'e.title', 'e.doc_no', 'e.written_on', 'e.validity', 'e.validity_changed_on'])
    .where('p.id', 'in', ids)
    .where('e.state', 'in', ['published', 'withdrawn'])
    .orderBy('p.id')
    .execute();
}

/** A published item of the site with its title and the site's code (for its address), if there is one. */
export function publishedTitle(q: Kysely<DB>, siteId: number, publicationId: number) {
  return q
    .selectFrom('publications')
    .innerJoin('editions', 'editions.publication_id', 'publications.id')
    .innerJoin('sites', 'sites.id', 'publications.site_id')
    .select(['publications.id', 'editions.title', 'sites.code as siteCode'])
    .where('publications.id', '=', publicationId)
    .where('publications.site_id', '=', siteId)
    .where('editions.state', '=', 'published')
    .executeTakeFirst();
}
