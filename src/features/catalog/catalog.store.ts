import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { AttachmentsTable, DB, EditionState, EditionsTable, PublicationsTable } from '../../core/db.types.ts';
import type { EditionInput } from './catalog.schema.ts';

type Q = Kysely<DB>;

export function editionValues(input: EditionInput, bodyHtml: string, bodyText: string) {
  return {
    title: input.title,
    doc_no: input.docNo,
    written_on: input.writtenOn,
    theme_category: input.themeCategory,
    genre: input.genre,
    keywords: input.keywords,
    summary: input.summary,
    disclosure_mode: input.disclosureMode,
    non_disclosure_reason: input.nonDisclosureReason,
    validity: input.validity,
    effective_on: input.effectiveOn,
    validity_changed_on: input.validityChangedOn,
    replaced_by_id: input.replacedById,
    body_html: bodyHtml,
    body_text: bodyText,
    interpretation_kind: input.interpretationKind || null,
    video_url: input.videoUrl,
    change_note: input.changeNote,
    scheduled_at: input.scheduledAt,
  };
}

export async function setEditionLinks(
  q: Q,
  editionId: number,
  input: Pick<EditionInput, 'agencyIds' | 'columnIds' | 'interpretsIds'>,
) {
  await q.deleteFrom('edition_agencies').where('edition_id', '=', editionId).execute();
  await q.deleteFrom('edition_columns').where('edition_id', '=', editionId).execute();
  await q.deleteFrom('edition_interprets').where('edition_id', '=', editionId).execute();
  const agencies = [...new Set(input.agencyIds)];
  await q
    .insertInto('edition_agencies')
    .values(agencies.map((agency_id, position) => ({ edition_id: editionId, agency_id, position })))
    .execute();
  const columns = [...new Set(input.columnIds)];
  await q
    .insertInto('edition_columns')
    .values(columns.map((column_id) => ({ edition_id: editionId, column_id })))
    .execute();
  const policies = [...new Set(input.interpretsIds)];
  if (policies.length)
    await q
      .insertInto('edition_interprets')
      .values(policies.map((policy_id) => ({ edition_id: editionId, policy_id })))
      .execute();
}

/** Copies links and attachments from one edition to a new one. */
/** A site's code, read in the transaction (the site cache may not be asked inside one: PGlite has one connection). */
export async function siteCodeOf(q: Q, siteId: number): Promise<string> {
  return (await q.selectFrom('sites').select('code').where('id', '=', siteId).executeTakeFirstOrThrow()).code;
}

export async function copyEditionChildren(q: Q, fromId: number, toId: number) {
  await sql`insert into edition_agencies (edition_id, agency_id, position) select ${toId}, agency_id, position from edition_agencies where edition_id = ${fromId}`.execute(
    q,
  );
  await sql`insert into edition_columns (edition_id, column_id) select ${toId}, column_id from edition_columns where edition_id = ${fromId}`.execute(
    q,
  );
  await sql`insert into edition_interprets (edition_id, policy_id) select ${toId}, policy_id from edition_interprets where edition_id = ${fromId}`.execute(
    q,
  );
  await sql`insert into attachments (edition_id, file_hash, filename, mime, size, text_content, position)
    select ${toId}, file_hash, filename, mime, size, text_content, position from attachments where edition_id = ${fromId}`.execute(
    q,
  );
}

/**
 * The edition with its publication, locked for the rest of the transaction; with `skipLocked`, undefined when
 * another transaction holds it (scheduled publishing on several instances).
 */
export function lockEdition(q: Q, editionId: number, opts: { skipLocked?: boolean } = {}) {
  const query = q
    .selectFrom('editions')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .select([
      'editions.id',
      'editions.publication_id',
      'editions.number',
      'editions.state',
      'editions.title',
      'editions.submitted_by',
      'editions.reviewed_by',
      'editions.scheduled_at',
      'editions.change_note',
      'publications.site_id',
      'publications.agency_id',
      'publications.status',
      'publications.index_no',
    ])
    .where('editions.id', '=', editionId)
    .forUpdate();
  return (opts.skipLocked ? query.skipLocked() : query).executeTakeFirst();
}

/** An edition as stored, with the ids it links (to say what a save changes). */
export async function editionWithLinks(q: Q, editionId: number) {
  const [row, agencies, columns, interprets] = await Promise.all([
    q.selectFrom('editions').selectAll().where('id', '=', editionId).executeTakeFirstOrThrow(),
    q.selectFrom('edition_agencies').select('agency_id').where('edition_id', '=', editionId).execute(),
    q.selectFrom('edition_columns').select('column_id').where('edition_id', '=', editionId).execute(),
    q.selectFrom('edition_interprets').select('policy_id').where('edition_id', '=', editionId).execute(),
  ]);
  return {
    row,
    links: {
      agencyIds: agencies.map((a) => a.agency_id),
      columnIds: columns.map((c) => c.column_id),
      interpretsIds: interprets.map((i) => i.policy_id),
    },
  };
}

/** The text of an edition's attachments (what the personal-data guard reads of them). */
export const attachmentTexts = (q: Q, editionId: number) =>
  q
    .selectFrom('attachments')
    .select(['filename', 'text_content'])
    .where('edition_id', '=', editionId)
    .orderBy('position')
    .execute();

/** What the personal-data guard reads of an edition: its text and its attachments' text. */
export async function editionText(q: Q, editionId: number) {
  const [text, attachments] = await Promise.all([
    q
      .selectFrom('editions')
      .select(['title', 'summary', 'body_html', 'body_text'])
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow(),
    attachmentTexts(q, editionId),
  ]);
  return { ...text, attachments };
}

export function lockPublication(q: Q, publicationId: number) {
  return q.selectFrom('publications').selectAll().where('id', '=', publicationId).forUpdate().executeTakeFirst();
}

export function findEdition(q: Q, publicationId: number, states: EditionState[]) {
  return q
    .selectFrom('editions')
    .selectAll()
    .where('publication_id', '=', publicationId)
    .where('state', 'in', states)
    .executeTakeFirst();
}

/** Next 索引号 serial for an agency and year: an atomic increment, so serials are never reused. */
export async function nextSerial(q: Q, agencyId: number, year: number): Promise<number> {
  const row = await q
    .insertInto('index_serials')
    .values({ agency_id: agencyId, year, last_serial: 1 })
    .onConflict((oc) =>
      oc.columns(['agency_id', 'year']).doUpdateSet({ last_serial: sql`index_serials.last_serial + 1` }),
    )
    .returning('last_serial')
    .executeTakeFirstOrThrow();
  return row.last_serial;
}

/** How many of the ids are rows of `table` on this site. */
export async function countOnSite(
  q: Q,
  table: 'agencies' | 'columns' | 'publications',
  siteId: number,
  ids: number[],
): Promise<number> {
  if (!ids.length) return 0;
  const r = await q
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('site_id', '=', siteId)
    .where('id', 'in', [...new Set(ids)])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Reserves `count` serials for each agency and year at once (bulk import): one statement; returns the
 * first serial of each range, keyed `agencyId:year`.
 */
export async function reserveSerials(
  q: Q,
  wanted: { agencyId: number; year: number; count: number }[],
): Promise<Map<string, number>> {
  if (!wanted.length) return new Map();
  const rows = await q
    .insertInto('index_serials')
    .values(wanted.map((w) => ({ agency_id: w.agencyId, year: w.year, last_serial: w.count })))
    .onConflict((oc) =>
      oc
        .columns(['agency_id', 'year'])
        .doUpdateSet({ last_serial: sql`index_serials.last_serial + excluded.last_serial` }),
    )
    .returning(['agency_id', 'year', 'last_serial'])
    .execute();
  const counts = new Map(wanted.map((w) => [`${w.agencyId}:${w.year}`, w.count]));
  return new Map(
    rows.map((r) => [`${r.agency_id}:${r.year}`, r.last_serial - counts.get(`${r.agency_id}:${r.year}`)! + 1]),
  );
}

/** An agency's site and code (for a new item and its 索引号). */
export function agencyOf(q: Q, agencyId: number) {
  return q.selectFrom('agencies').select(['site_id', 'code']).where('id', '=', agencyId).executeTakeFirst();
}

export async function insertPublication(q: Q, values: Insertable<PublicationsTable>): Promise<number> {
  return (await q.insertInto('publications').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertEdition(q: Q, values: Insertable<EditionsTable>): Promise<number> {
  return (await q.insertInto('editions').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateEdition(q: Q, editionId: number, set: Updateable<EditionsTable>): Promise<void> {
  await q.updateTable('editions').set(set).where('id', '=', editionId).execute();
}

export async function updatePublication(q: Q, publicationId: number, set: Updateable<PublicationsTable>) {
  await q.updateTable('publications').set(set).where('id', '=', publicationId).execute();
}

/** Moves the item's live (published or withdrawn) edition to another state. */
export async function setLiveEditionState(q: Q, publicationId: number, state: EditionState): Promise<void> {
  await q
    .updateTable('editions')
    .set({ state })
    .where('publication_id', '=', publicationId)
    .where('state', 'in', ['published', 'withdrawn'])
    .execute();
}

/** Scheduled editions whose time has come. */
export function dueEditions(q: Q, now: Date, limit: number) {
  return q
    .selectFrom('editions')
    .select(['id'])
    .where('state', '=', 'scheduled')
    .where('scheduled_at', '<=', now)
    .limit(limit)
    .execute();
}

export async function countAttachments(q: Q, editionId: number): Promise<number> {
  const r = await q
    .selectFrom('attachments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('edition_id', '=', editionId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertAttachment(q: Q, values: Insertable<AttachmentsTable>): Promise<number> {
  return (await q.insertInto('attachments').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** Deletes an attachment of the edition; its file name, or undefined when there was none. */
export async function deleteAttachment(q: Q, editionId: number, attachmentId: number) {
  return q
    .deleteFrom('attachments')
    .where('id', '=', attachmentId)
    .where('edition_id', '=', editionId)
    .returning(['filename'])
    .executeTakeFirst();
}

/** An item's newest edition. */
export function latestEdition(q: Q, publicationId: number) {
  return q
    .selectFrom('editions')
    .select('id')
    .where('publication_id', '=', publicationId)
    .orderBy('number', 'desc')
    .executeTakeFirst();
}
