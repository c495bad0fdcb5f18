import { type Kysely, sql } from 'kysely';
import { columnsOf, unnest } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';

type Q = Kysely<DB>;

/** Of the source keys, those already imported on the site. */
export async function importedKeys(q: Q, siteId: number, keys: string[]): Promise<Set<string | null>> {
  const rows = await q
    .selectFrom('publications')
    .select('source_key')
    .where('site_id', '=', siteId)
    .where('source_key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => r.source_key));
}

/** Of the 索引号, those some item already has. */
export async function takenIndexNos(q: Q, indexNos: string[]): Promise<Set<string | null>> {
  if (!indexNos.length) return new Set();
  const rows = await q.selectFrom('publications').select('index_no').where('index_no', 'in', indexNos).execute();
  return new Set(rows.map((r) => r.index_no));
}

/** The site's agencies among the ids, with their codes and names. */
export function agenciesByIds(q: Q, siteId: number, ids: number[]) {
  return q
    .selectFrom('agencies')
    .select(['id', 'code', 'name'])
    .where('site_id', '=', siteId)
    .where('id', 'in', ids)
    .execute();
}

// each table's rows in one statement over arrays (`unnest`): a long VALUES list costs more to parse than to write;
// a table's columns are the keys of its column types, in their order
const publicationTypes = {
  site_id: 'int',
  agency_id: 'int',
  index_no: 'text',
  status: 'text',
  status_changed_at: 'timestamptz',
  first_published_at: 'timestamptz',
  created_by: 'int',
  source_key: 'text',
} as const;

export interface BulkPublication {
  site_id: number;
  agency_id: number;
  index_no: string;
  status: 'published';
  status_changed_at: Date;
  first_published_at: Date;
  created_by: number | null;
  source_key: string;
}

export function insertPublications(q: Q, rows: BulkPublication[]) {
  return q
    .insertInto('publications')
    .columns(columnsOf(publicationTypes))
    .expression(unnest(rows, publicationTypes))
    .returning(['id', 'source_key'])
    .execute();
}

const editionTypes = {
  publication_id: 'int',
  number: 'int',
  state: 'text',
  title: 'text',
  doc_no: 'text',
  written_on: 'date',
  published_at: 'timestamptz',
  theme_category: 'text',
  genre: 'text',
  keywords: 'text[]',
  summary: 'text',
  validity: 'text',
  body_html: 'text',
  body_text: 'text',
  created_by: 'int',
} as const;

export interface BulkEdition {
  publication_id: number;
  number: number;
  state: 'published';
  title: string;
  doc_no: string;
  written_on: string | null;
  published_at: Date;
  theme_category: string;
  genre: string;
  keywords: string[];
  summary: string;
  validity: string;
  body_html: string;
  body_text: string;
  created_by: number | null;
}

export function insertEditions(q: Q, rows: BulkEdition[]) {
  return q
    .insertInto('editions')
    .columns(columnsOf(editionTypes))
    .expression(unnest(rows, editionTypes))
    .returning(['id', 'publication_id'])
    .execute();
}

const agencyTypes = { edition_id: 'int', agency_id: 'int', position: 'int' } as const;
const columnTypes = { edition_id: 'int', column_id: 'int' } as const;

/** Each edition's one agency and one column. */
export async function insertEditionLinks(
  q: Q,
  links: { editionId: number; agencyId: number; columnId: number }[],
): Promise<void> {
  await q
    .insertInto('edition_agencies')
    .columns(columnsOf(agencyTypes))
    .expression(
      unnest(
        links.map((l) => ({ edition_id: l.editionId, agency_id: l.agencyId, position: 0 })),
        agencyTypes,
      ),
    )
    .execute();
  await q
    .insertInto('edition_columns')
    .columns(columnsOf(columnTypes))
    .expression(
      unnest(
        links.map((l) => ({ edition_id: l.editionId, column_id: l.columnId })),
        columnTypes,
      ),
    )
    .execute();
}

/** Refreshes the planner's statistics of the tables a bulk load filled (PGlite has no autovacuum to do it). */
export async function analyzeCatalog(q: Q): Promise<void> {
  await sql`analyze publications, editions, edition_agencies, edition_columns`.execute(q);
}
