import type { Db } from '../../core/db.ts';

/** What search reads of the catalogue: public documents only (a live edition of a published item, not withheld). */

function livePublications(db: Db) {
  return db
    .selectFrom('publications')
    .innerJoin('editions', (j) =>
      j.onRef('editions.publication_id', '=', 'publications.id').on('editions.state', '=', 'published'),
    )
    .where('publications.status', '=', 'published')
    .where('editions.disclosure_mode', '!=', 'not_public');
}

export type Which = { ids: number[] } | { after: number; limit: number };

/** Live publications by id, or a page of them in id order. */
export function livePublicationRows(db: Db, which: Which) {
  let q = livePublications(db).select([
    'publications.id',
    'publications.site_id',
    'publications.agency_id',
    'publications.index_no',
    'editions.id as edition_id',
    'editions.title',
    'editions.doc_no',
    'editions.keywords',
    'editions.summary',
    'editions.body_text',
    'editions.genre',
    'editions.theme_category',
    'editions.validity',
    'editions.published_at',
  ]);
  if ('ids' in which) q = q.where('publications.id', 'in', which.ids);
  else q = q.where('publications.id', '>', which.after).orderBy('publications.id').limit(which.limit);
  return q.execute();
}

/** The editions' agencies (with names), columns and attachments' text, each in order. */
export async function editionExtras(db: Db, editionIds: number[]) {
  const [agencies, columns, attachments] = await Promise.all([
    db
      .selectFrom('edition_agencies')
      .innerJoin('agencies', 'agencies.id', 'edition_agencies.agency_id')
      .select(['edition_agencies.edition_id', 'agencies.id', 'agencies.name'])
      .where('edition_agencies.edition_id', 'in', editionIds)
      .execute(),
    db
      .selectFrom('edition_columns')
      .select(['edition_id', 'column_id'])
      .where('edition_id', 'in', editionIds)
      .execute(),
    db
      .selectFrom('attachments')
      .select(['edition_id', 'filename', 'text_content'])
      .where('edition_id', 'in', editionIds)
      .orderBy('position')
      .execute(),
  ]);
  return { agencies, columns, attachments };
}

/** Live publications of the site as a result shows them, with the first `textLength` characters of the body. */
export function shownPublications(db: Db, siteId: number, ids: number[], textLength: number) {
  return livePublications(db)
    .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
    .select([
      'publications.id',
      'editions.title',
      'editions.doc_no',
      'editions.genre',
      'editions.validity',
      'editions.summary',
      'editions.published_at',
      'agencies.name as agency_name',
      (eb) => eb.fn<string>('left', ['editions.body_text', eb.val(textLength)]).as('body'),
    ])
    .where('publications.site_id', '=', siteId)
    .where('publications.id', 'in', ids)
    .execute();
}

/** The title and whole text of live publications. */
export function publicationTexts(db: Db, ids: number[]) {
  return livePublications(db)
    .select(['publications.id', 'editions.title', 'editions.body_text'])
    .where('publications.id', 'in', ids)
    .execute();
}

/** Published gazette issues by id, or a page of them in id order. */
export function publishedIssues(db: Db, which: Which) {
  let q = db.selectFrom('gazette_issues').selectAll().where('published', '=', true);
  if ('ids' in which) q = q.where('id', 'in', which.ids);
  else q = q.where('id', '>', which.after).orderBy('id').limit(which.limit);
  return q.execute();
}

/** The issues' tables of contents, in order. */
export function issueEntries(db: Db, issueIds: number[]) {
  return db
    .selectFrom('gazette_entries')
    .select(['issue_id', 'section', 'title'])
    .where('issue_id', 'in', issueIds)
    .orderBy('position')
    .execute();
}
