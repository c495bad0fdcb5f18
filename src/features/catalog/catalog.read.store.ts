import { type ExpressionBuilder, sql } from 'kysely';
import { entityHistory } from '../../core/audit.ts';
import { shanghaiMidnight } from '../../core/calendar.ts';
import type { Db } from '../../core/db.ts';
import type { DB, Edition } from '../../core/db.types.ts';
import { POLICY_GENRES } from './catalog.rules.ts';

/** What lists show of a publication. */
export interface ListItem {
  id: number;
  title: string;
  published_at: Date;
  doc_no: string;
  index_no: string | null;
  genre: string;
}

export const PAGE_SIZE = 20;

type E = ExpressionBuilder<DB, 'editions' | 'publications'>;
const liveOnSite = (siteId: number) => (eb: E) =>
  eb.and([eb('publications.site_id', '=', siteId), eb('editions.state', '=', 'published')]);

function listBase(db: Db, siteId: number) {
  return db
    .selectFrom('editions')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .where(liveOnSite(siteId))
    .where('editions.disclosure_mode', '!=', 'not_public');
}

/** How many pages past the one shown a list counts, at most: a page's cost never grows with the whole list. */
const PAGES_AHEAD = 10;

/** A list's size as far as its pager needs it: exact when there are few, else "at least" this many. */
export interface ListCount {
  total: number;
  /** False when there are more than `total`. */
  exact: boolean;
}

/** Counts a list's rows up to the pages ahead of this one (not the whole list, which may be a million). */
async function countAhead(db: Db, list: ReturnType<typeof listBase>, page: number, size: number): Promise<ListCount> {
  const cap = (page + PAGES_AHEAD) * size;
  const row = await db
    .selectFrom(
      list
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('upto'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > cap ? { total: cap, exact: false } : { total: n, exact: true };
}

const listColumns = [
  'publications.id',
  'editions.title',
  'editions.published_at',
  'editions.doc_no',
  'publications.index_no',
  'editions.genre',
] as const;

/** The ids of a column and all columns below it. */
export async function columnAndDescendants(db: Db, siteId: number, columnId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    with recursive t as (select id from columns where id = ${columnId} and site_id = ${siteId}
      union all select c.id from columns c join t on c.parent_id = t.id)
    select id from t`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Whether a listed edition is in one of these columns. */
const inColumns = (columnIds: number[]) => (eb: E) =>
  eb.exists(
    eb
      .selectFrom('edition_columns')
      .select('edition_columns.edition_id')
      .whereRef('edition_columns.edition_id', '=', 'editions.id')
      .where('edition_columns.column_id', 'in', columnIds),
  );

/** A page of the newest items in these columns, without counting them (the home page's blocks need no count). */
export async function itemsInColumns(
  db: Db,
  siteId: number,
  columnIds: number[],
  page: number,
  size = PAGE_SIZE,
): Promise<ListItem[]> {
  if (!columnIds.length) return [];
  return (await listBase(db, siteId)
    .where(inColumns(columnIds))
    .select(listColumns)
    .orderBy('editions.published_at', 'desc')
    .orderBy('publications.id', 'desc')
    .limit(size)
    .offset((page - 1) * size)
    .execute()) as ListItem[];
}

/** A page of the newest items in these columns, and how many there are as far as the pager needs. */
export async function listInColumns(
  db: Db,
  siteId: number,
  columnIds: number[],
  page: number,
  size = PAGE_SIZE,
): Promise<{ items: ListItem[] } & ListCount> {
  if (!columnIds.length) return { items: [], total: 0, exact: true };
  const [items, count] = await Promise.all([
    itemsInColumns(db, siteId, columnIds, page, size),
    countAhead(db, listBase(db, siteId).where(inColumns(columnIds)), page, size),
  ]);
  return { items, ...count };
}

export interface CatalogFilter {
  theme?: string;
  genre?: string;
  year?: number;
}

/** An agency's catalogue (目录): what it published, filterable by theme, genre and year. */
export async function agencyCatalog(db: Db, siteId: number, agencyId: number, f: CatalogFilter, page: number) {
  let q = listBase(db, siteId).where('publications.agency_id', '=', agencyId);
  if (f.theme) q = q.where('editions.theme_category', '=', f.theme);
  if (f.genre) q = q.where('editions.genre', '=', f.genre);
  if (f.year)
    q = q
      .where('publications.first_published_at', '>=', shanghaiMidnight(`${f.year}-01-01`))
      .where('publications.first_published_at', '<', shanghaiMidnight(`${f.year + 1}-01-01`));
  const [items, count] = await Promise.all([
    q
      .select([...listColumns, 'editions.theme_category'])
      .orderBy('editions.published_at', 'desc')
      .orderBy('publications.id', 'desc')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute(),
    countAhead(db, q, page, PAGE_SIZE),
  ]);
  return { items: items as (ListItem & { theme_category: string })[], ...count };
}

export interface PublicPage {
  publication: {
    id: number;
    site_id: number;
    site_code: string;
    index_no: string | null;
    status: string;
    status_reason: string;
    status_changed_at: Date | null;
    first_published_at: Date | null;
    agency_id: number;
    /** The publishing agency's name. */
    agency_name: string;
  };
  edition: Edition;
  agencies: { id: number; name: string }[];
  columns: { id: number; slug: string; name: string }[];
  attachments: { id: number; filename: string; size: number; mime: string }[];
  interpretations: { id: number; title: string; kind: string | null }[];
  interprets: { id: number; title: string }[];
  replacedBy: { id: number; title: string } | null;
  history: { number: number; published_at: Date | null; change_note: string }[];
}

type PageHead = PublicPage['publication'];

/** An item's head as its page shows it: numbers, status and publishing agency. */
function pageHead(db: Db, publicationId: number) {
  return db
    .selectFrom('publications')
    .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
    .innerJoin('sites', 'sites.id', 'publications.site_id')
    .select([
      'publications.id',
      'publications.site_id',
      'sites.code as site_code',
      'publications.index_no',
      'publications.status',
      'publications.status_reason',
      'publications.status_changed_at',
      'publications.first_published_at',
      'publications.agency_id',
      'agencies.name as agency_name',
    ])
    .where('publications.id', '=', publicationId)
    .executeTakeFirst();
}

/** The live (or withdrawn) edition of an item, if it has one. */
const liveEditionOf = (db: Db, publicationId: number) =>
  db
    .selectFrom('editions')
    .selectAll()
    .where('publication_id', '=', publicationId)
    .where('state', 'in', ['published', 'withdrawn'])
    .executeTakeFirst();

/**
 * An edition as its page shows it, whatever its state: its agencies, columns (only those the public sees, unless
 * `allColumns`), attachments, the interpretations of its item and the policies it explains, what replaces it and the
 * item's published history.
 */
async function pageOf(
  db: Db,
  siteId: number,
  publication: PageHead,
  edition: Edition,
  allColumns = false,
): Promise<PublicPage> {
  const [agencies, columns, attachments, interpretations, interprets, replacedBy, history] = await Promise.all([
    db
      .selectFrom('edition_agencies')
      .innerJoin('agencies', 'agencies.id', 'edition_agencies.agency_id')
      .select(['agencies.id', 'agencies.name'])
      .where('edition_id', '=', edition.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('edition_columns')
      .innerJoin('columns', 'columns.id', 'edition_columns.column_id')
      .select(['columns.id', 'columns.slug', 'columns.name'])
      .where('edition_id', '=', edition.id)
      .$if(!allColumns, (q) => q.where('columns.visible', '=', true))
      .orderBy('columns.sort')
      .orderBy('columns.id')
      .execute(),
    db
      .selectFrom('attachments')
      .select(['id', 'filename', 'size', 'mime'])
      .where('edition_id', '=', edition.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('edition_interprets')
      .innerJoin('editions', 'editions.id', 'edition_interprets.edition_id')
      .innerJoin('publications', 'publications.id', 'editions.publication_id')
      .select(['publications.id', 'editions.title', 'editions.interpretation_kind as kind'])
      .where('edition_interprets.policy_id', '=', publication.id)
      .where(liveOnSite(siteId))
      .execute(),
    db
      .selectFrom('edition_interprets')
      .innerJoin('publications', 'publications.id', 'edition_interprets.policy_id')
      .innerJoin('editions', 'editions.publication_id', 'publications.id')
      .select(['publications.id', 'editions.title'])
      .where('edition_interprets.edition_id', '=', edition.id)
      .where('editions.state', 'in', ['published', 'withdrawn'])
      .execute(),
    edition.replaced_by_id
      ? db
          .selectFrom('editions')
          .select(['publication_id as id', 'title'])
          .where('publication_id', '=', edition.replaced_by_id)
          .where('state', 'in', ['published', 'withdrawn'])
          .executeTakeFirst()
      : undefined,
    db
      .selectFrom('editions')
      .select(['number', 'published_at', 'change_note'])
      .where('publication_id', '=', publication.id)
      .where('state', 'in', ['published', 'withdrawn', 'superseded'])
      .orderBy('number')
      .execute(),
  ]);
  return {
    publication,
    edition,
    agencies,
    columns,
    attachments,
    interpretations,
    interprets,
    replacedBy: replacedBy ?? null,
    history,
  };
}

/** The public page of a publication: its live (or withdrawn) edition, or its status when gone. */
export async function publicPage(
  db: Db,
  siteId: number,
  publicationId: number,
): Promise<PublicPage | { gone: string } | null> {
  const publication = await pageHead(db, publicationId);
  if (!publication || publication.site_id !== siteId || publication.status === 'unpublished_draft') return null;
  if (publication.status === 'unpublished') return { gone: publication.status_reason };
  const edition = await liveEditionOf(db, publicationId);
  return edition ? pageOf(db, siteId, publication, edition) : null;
}

export function visibleColumns(db: Db, siteId: number) {
  return db
    .selectFrom('columns')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('visible', '=', true)
    .orderBy('sort')
    .orderBy('id')
    .execute();
}

export function allColumns(db: Db, siteId: number) {
  return db.selectFrom('columns').selectAll().where('site_id', '=', siteId).orderBy('sort').orderBy('id').execute();
}

/** The attachments of the site's public editions, with what serving one needs. */
const publicAttachments = (db: Db, siteId: number) =>
  db
    .selectFrom('attachments')
    .innerJoin('editions', 'editions.id', 'attachments.edition_id')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .select(['attachments.file_hash', 'attachments.filename', 'attachments.mime'])
    .where('publications.site_id', '=', siteId)
    .where('editions.state', 'in', ['published', 'withdrawn'])
    .where('editions.disclosure_mode', '=', 'active');

/** An attachment of a public edition of the site, as its file is served. */
export function publicAttachment(db: Db, siteId: number, attachmentId: number) {
  return publicAttachments(db, siteId).where('attachments.id', '=', attachmentId).executeTakeFirst();
}

/** A picture of a published body (catalog.images.ts): an image attached, with this hash, to a public edition of the site. */
export function publicImage(db: Db, siteId: number, hash: string) {
  return publicAttachments(db, siteId)
    .where('attachments.file_hash', '=', hash)
    .where('attachments.mime', 'like', 'image/%')
    .limit(1)
    .executeTakeFirst();
}

/** The newest title of each of these items. */
export async function publicationTitles(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('editions')
    .select(['publication_id', 'title'])
    .distinctOn('publication_id')
    .where('publication_id', 'in', ids)
    .orderBy('publication_id')
    .orderBy('number', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.publication_id, r.title]));
}

/** An edition's attachments in any state, with the item's site and agency (for the back office). */
const editionAttachments = (db: Db, editionId: number) =>
  db
    .selectFrom('attachments')
    .innerJoin('editions', 'editions.id', 'attachments.edition_id')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .select([
      'attachments.file_hash',
      'attachments.filename',
      'attachments.mime',
      'publications.site_id',
      'publications.agency_id',
    ])
    .where('attachments.edition_id', '=', editionId);

/** An attachment of an edition in any state (for the back office). */
export function editionAttachment(db: Db, editionId: number, attachmentId: number) {
  return editionAttachments(db, editionId).where('attachments.id', '=', attachmentId).executeTakeFirst();
}

/** A picture of an edition's body in any state, by its file's hash (for the back office). */
export function editionImage(db: Db, editionId: number, hash: string) {
  return editionAttachments(db, editionId)
    .where('attachments.file_hash', '=', hash)
    .where('attachments.mime', 'like', 'image/%')
    .limit(1)
    .executeTakeFirst();
}

/** Publication ids and dates for the sitemap, in pages. */
export function sitemapPage(db: Db, siteId: number, page: number, size: number) {
  return listBase(db, siteId)
    .select(['publications.id', 'editions.published_at'])
    .orderBy('publications.id')
    .limit(size)
    .offset(page * size)
    .execute();
}

export async function countLive(db: Db, siteId: number): Promise<number> {
  const r = await listBase(db, siteId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Latest items for a feed or the home page, with their summaries. */
export function latestInColumns(db: Db, siteId: number, columnIds: number[] | null, limit: number) {
  let q = listBase(db, siteId);
  if (columnIds) {
    if (!columnIds.length) return Promise.resolve([]);
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('edition_columns')
          .select('edition_columns.edition_id')
          .whereRef('edition_columns.edition_id', '=', 'editions.id')
          .where('edition_columns.column_id', 'in', columnIds),
      ),
    );
  }
  return q
    .select([...listColumns, 'editions.summary', 'editions.body_text'])
    .orderBy('editions.published_at', 'desc')
    .orderBy('publications.id', 'desc')
    .limit(limit)
    .execute();
}

/** Published policies without a live interpretation after `days` working days, for the office. */
export function policiesAwaitingInterpretation(
  db: Db,
  siteId: number,
  policyGenres: readonly string[],
  publishedBefore: Date,
) {
  return listBase(db, siteId)
    .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
    .select([
      ...listColumns,
      'agencies.name as agency_name',
      'publications.agency_id',
      'publications.first_published_at',
    ])
    .where('editions.genre', 'in', [...policyGenres])
    .where('publications.first_published_at', '<', publishedBefore)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('edition_interprets as ei')
            .innerJoin('editions as ie', 'ie.id', 'ei.edition_id')
            .select('ei.edition_id')
            .whereRef('ei.policy_id', '=', 'publications.id')
            .where('ie.state', '=', 'published'),
        ),
      ),
    )
    .orderBy('publications.first_published_at')
    .limit(500)
    .execute();
}

/** The years with public issues: published, and dated `today` or before (an issue dated later waits for its day). */
export function gazetteYears(db: Db, siteId: number, today: string) {
  return db
    .selectFrom('gazette_issues')
    .select('year')
    .distinct()
    .where('site_id', '=', siteId)
    .where('published', '=', true)
    .where('issue_date', '<=', today)
    .orderBy('year', 'desc')
    .execute();
}

export function gazetteIssues(db: Db, siteId: number, year: number, today: string) {
  return db
    .selectFrom('gazette_issues')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('year', '=', year)
    .where('published', '=', true)
    .where('issue_date', '<=', today)
    .orderBy('number', 'desc')
    .execute();
}

/**
 * A gazette issue with its table of contents; the public (a `today` given) sees only published issues dated by then,
 * and only live documents.
 */
export async function gazetteIssue(db: Db, siteId: number, issueId: number, today: string | null) {
  let q = db.selectFrom('gazette_issues').selectAll().where('id', '=', issueId).where('site_id', '=', siteId);
  if (today !== null) q = q.where('published', '=', true).where('issue_date', '<=', today);
  const issue = await q.executeTakeFirst();
  if (!issue) return null;
  const entries = await db
    .selectFrom('gazette_entries')
    .leftJoin('publications', (j) =>
      j.onRef('publications.id', '=', 'gazette_entries.publication_id').on('publications.status', '=', 'published'),
    )
    .select([
      'gazette_entries.id',
      'gazette_entries.section',
      'gazette_entries.title',
      today === null ? 'gazette_entries.publication_id' : 'publications.id as publication_id',
    ])
    .where('issue_id', '=', issueId)
    .orderBy('position')
    .execute();
  return { issue, entries };
}

/** Every gazette issue of a site, published or not, newest first, with its number of entries (for the office). */
export function gazetteIssuesForStaff(db: Db, siteId: number) {
  return db
    .selectFrom('gazette_issues')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('gazette_entries')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('gazette_entries.issue_id', '=', 'gazette_issues.id')
        .as('entry_count'),
    )
    .where('site_id', '=', siteId)
    .orderBy('year', 'desc')
    .orderBy('number', 'desc')
    .limit(1000)
    .execute();
}

/** Recently published items of a site, to link gazette entries to (a browser's list of suggestions). */
export function recentPublications(db: Db, siteId: number, limit = 500) {
  return listBase(db, siteId)
    .select(['publications.id', 'editions.title'])
    .orderBy('editions.published_at', 'desc')
    .limit(limit)
    .execute();
}

/** Editions for staff lists: the newest edition of each publication, filtered. */
export function staffRows(
  db: Db,
  f: {
    siteId: number;
    agencyIds?: number[];
    states?: string[];
    createdBy?: number;
    /** Only drafts that review returned (true) or only those it did not (false). */
    returned?: boolean;
    limit?: number;
  },
) {
  let q = db
    .selectFrom('editions')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
    .select([
      'publications.id as publication_id',
      'editions.id as edition_id',
      'editions.title',
      'editions.state',
      'editions.number',
      'agencies.name as agency_name',
      'editions.updated_at',
      'publications.index_no',
      'editions.rejection_reason',
    ])
    .where('publications.site_id', '=', f.siteId)
    .where('editions.state', 'not in', ['superseded']);
  if (f.agencyIds)
    q = f.agencyIds.length ? q.where('publications.agency_id', 'in', f.agencyIds) : q.where(sql<boolean>`false`);
  if (f.states) q = q.where('editions.state', 'in', f.states as Edition['state'][]);
  if (f.createdBy) q = q.where('editions.created_by', '=', f.createdBy);
  if (f.returned !== undefined) q = q.where('editions.rejection_reason', f.returned ? '<>' : '=', '');
  return q
    .orderBy('editions.updated_at', 'desc')
    .limit(f.limit ?? 100)
    .execute();
}

/**
 * An edition for the back office: the page it makes (every column, attachments to open before publication), the live
 * edition's page when this one would replace it (for the differences), its item's history and open edition.
 */
export async function staffEdition(db: Db, editionId: number) {
  const edition = await db.selectFrom('editions').selectAll().where('id', '=', editionId).executeTakeFirst();
  if (!edition) return null;
  const publication = await pageHead(db, edition.publication_id);
  if (!publication) return null;
  const [page, live, interprets, history, open] = await Promise.all([
    pageOf(db, publication.site_id, publication, edition, true),
    liveEditionOf(db, publication.id).then((l) =>
      l && l.id !== edition.id ? pageOf(db, publication.site_id, publication, l, true) : null,
    ),
    db.selectFrom('edition_interprets').select('policy_id').where('edition_id', '=', editionId).execute(),
    entityHistory(db, 'publication', publication.id),
    db
      .selectFrom('editions')
      .select('id')
      .where('publication_id', '=', publication.id)
      .where('state', 'in', ['draft', 'submitted', 'reviewed', 'scheduled'])
      .executeTakeFirst(),
  ]);
  return {
    edition,
    publication,
    page,
    live,
    agencyName: publication.agency_name,
    siteCode: publication.site_code,
    links: {
      agencyIds: page.agencies.map((a) => a.id),
      columnIds: page.columns.map((c) => c.id),
      interpretsIds: interprets.map((i) => i.policy_id),
    },
    attachments: page.attachments,
    history,
    openEditionId: open?.id ?? null,
  };
}

/**
 * Live policies of a site, newest first, for choosing what an interpretation explains or what replaces a document
 * (the form's list is searched as the title or number is typed).
 */
export function policyChoices(db: Db, siteId: number) {
  return listBase(db, siteId)
    .select(['publications.id', 'editions.title', 'editions.doc_no'])
    .where('editions.genre', 'in', [...POLICY_GENRES, '其他文件'])
    .orderBy('editions.published_at', 'desc')
    .limit(1000)
    .execute();
}

/**
 * Where publications show on the portal, across all their editions (an edition moved out of a column leaves it): the
 * columns and agencies of each, and its site.
 */
export async function publicationPlaces(db: Db, publicationIds: number[]) {
  if (!publicationIds.length) return [];
  const r = await sql<{ id: number; site_id: number; columns: number[]; agencies: number[] }>`
    select p.id, p.site_id,
      coalesce((select array_agg(distinct ec.column_id) from editions e join edition_columns ec on ec.edition_id = e.id
        where e.publication_id = p.id), '{}') as columns,
      coalesce((select array_agg(distinct ea.agency_id) from editions e join edition_agencies ea on ea.edition_id = e.id
        where e.publication_id = p.id), '{}') || p.agency_id as agencies
    from publications p where p.id = any(${publicationIds}::int[])`.execute(db);
  return r.rows;
}
