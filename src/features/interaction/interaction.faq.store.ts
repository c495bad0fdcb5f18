/** The knowledge base's SQL: entries kept by staff, the public list and what search reads. */
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, FaqsTable } from '../../core/db.types.ts';

type Q = Kysely<DB>;

export const FAQ_PAGE = 20;

export async function insertFaq(q: Q, values: Insertable<FaqsTable>): Promise<number> {
  return (await q.insertInto('faqs').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateFaq(q: Q, faqId: number, set: Updateable<FaqsTable>): Promise<void> {
  await q
    .updateTable('faqs')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', faqId)
    .execute();
}

export function faqRow(q: Q, faqId: number) {
  return q.selectFrom('faqs').selectAll().where('id', '=', faqId).executeTakeFirst();
}

/** The entry, locked until the transaction ends. */
export function lockFaq(q: Q, faqId: number) {
  return q.selectFrom('faqs').selectAll().where('id', '=', faqId).forUpdate().executeTakeFirst();
}

/** The entry made from a letter's reply, if there is one. */
export function faqOfLetter(q: Q, letterId: number) {
  return q.selectFrom('faqs').select('id').where('letter_id', '=', letterId).executeTakeFirst();
}

export interface StaffFaqFilter {
  /** Only these agencies' entries (an agency's staff); undefined: the whole site (the office). */
  agencyIds?: number[];
  state?: 'published' | 'draft';
  text?: string;
}

/** The staff's list, the most recently changed first. */
export async function staffFaqs(q: Q, siteId: number, f: StaffFaqFilter, page: number) {
  let query = q.selectFrom('faqs').where('faqs.site_id', '=', siteId);
  if (f.agencyIds) query = query.where('faqs.agency_id', 'in', f.agencyIds.length ? f.agencyIds : [0]);
  if (f.state === 'published') query = query.where('faqs.published_at', 'is not', null);
  if (f.state === 'draft') query = query.where('faqs.published_at', 'is', null);
  if (f.text) query = query.where('faqs.question', 'like', `%${f.text.replace(/[\\%_]/g, '\\$&')}%`);
  const [rows, total] = await Promise.all([
    query
      .leftJoin('agencies', 'agencies.id', 'faqs.agency_id')
      .select([
        'faqs.id',
        'faqs.topic',
        'faqs.question',
        'faqs.agency_id',
        'faqs.published_at',
        'faqs.updated_at',
        'agencies.name as agency',
      ])
      .orderBy('faqs.updated_at', 'desc')
      .orderBy('faqs.id', 'desc')
      .limit(FAQ_PAGE)
      .offset((page - 1) * FAQ_PAGE)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export interface PublicFaqFilter {
  topic?: string;
  agencyId?: number;
}

/** Published entries, newest first (one more than a page: whether there is a next one). */
export async function publicFaqs(q: Q, siteId: number, f: PublicFaqFilter, page: number) {
  let query = q
    .selectFrom('faqs')
    .leftJoin('agencies', 'agencies.id', 'faqs.agency_id')
    .select(['faqs.id', 'faqs.topic', 'faqs.question', 'faqs.published_at', 'agencies.name as agency'])
    .where('faqs.site_id', '=', siteId)
    .where('faqs.published_at', 'is not', null);
  if (f.topic) query = query.where('faqs.topic', '=', f.topic);
  if (f.agencyId) query = query.where('faqs.agency_id', '=', f.agencyId);
  const rows = await query
    .orderBy('faqs.published_at', 'desc')
    .orderBy('faqs.id', 'desc')
    .limit(FAQ_PAGE + 1)
    .offset((page - 1) * FAQ_PAGE)
    .execute();
  return { rows: rows.slice(0, FAQ_PAGE), more: rows.length > FAQ_PAGE };
}

/** The topics of a site's published entries, with how many each has. */
export async function faqTopics(q: Q, siteId: number) {
  const rows = await q
    .selectFrom('faqs')
    .select(['topic', (eb) => eb.fn.countAll<string>().as('n')])
    .where('site_id', '=', siteId)
    .where('published_at', 'is not', null)
    .where('topic', '!=', '')
    .groupBy('topic')
    .orderBy('topic')
    .execute();
  return rows.map((r) => ({ topic: r.topic, count: Number(r.n) }));
}

/** Published entries with their agency, by id (of one site, or of any when search reads them). */
function publishedFaqs(q: Q, siteId?: number) {
  let query = q
    .selectFrom('faqs')
    .leftJoin('agencies', 'agencies.id', 'faqs.agency_id')
    .select([
      'faqs.id',
      'faqs.site_id',
      'faqs.agency_id',
      'faqs.topic',
      'faqs.question',
      'faqs.answer',
      'faqs.published_at',
      'faqs.updated_at',
      'agencies.name as agency',
    ])
    .where('faqs.published_at', 'is not', null);
  if (siteId !== undefined) query = query.where('faqs.site_id', '=', siteId);
  return query;
}

export const publicFaq = (q: Q, siteId: number, faqId: number) =>
  publishedFaqs(q, siteId).where('faqs.id', '=', faqId).executeTakeFirst();

/** Published entries as search indexes them, by id or a page in id order. */
export function searchableFaqs(q: Q, which: { ids: number[] } | { after: number; limit: number }) {
  const query = publishedFaqs(q);
  if ('ids' in which) return query.where('faqs.id', 'in', which.ids).execute();
  return query.where('faqs.id', '>', which.after).orderBy('faqs.id').limit(which.limit).execute();
}

/** Published entries of a site by id, as search shows them. */
export const shownFaqs = (q: Q, siteId: number, ids: number[]) =>
  publishedFaqs(q, siteId).where('faqs.id', 'in', ids).execute();
