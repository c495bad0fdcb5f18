/** The SQL of 意见征集: consultations, their articles and comments, the public lists and the reminders. */
import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { DateStr } from '../../core/calendar.ts';
import type {
  ConsultationArticlesTable,
  ConsultationCommentsTable,
  ConsultationsTable,
  DB,
} from '../../core/db.types.ts';
import { CONSULTATION_PAGE } from './interaction.consultations.rules.ts';

type Q = Kysely<DB>;

export async function insertConsultation(q: Q, values: Insertable<ConsultationsTable>): Promise<number> {
  return (await q.insertInto('consultations').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateConsultation(q: Q, id: number, set: Updateable<ConsultationsTable>): Promise<void> {
  await q
    .updateTable('consultations')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export const consultationRow = (q: Q, id: number) =>
  q.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirst();

export const lockConsultation = (q: Q, id: number) =>
  q.selectFrom('consultations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Replaces a consultation's articles (while it is a draft). */
export async function replaceArticles(
  q: Q,
  consultationId: number,
  articles: Omit<Insertable<ConsultationArticlesTable>, 'consultation_id'>[],
): Promise<void> {
  await q.deleteFrom('consultation_articles').where('consultation_id', '=', consultationId).execute();
  if (articles.length)
    await q
      .insertInto('consultation_articles')
      .values(articles.map((a) => ({ ...a, consultation_id: consultationId })))
      .execute();
}

export const articlesOf = (q: Q, consultationId: number) =>
  q
    .selectFrom('consultation_articles')
    .selectAll()
    .where('consultation_id', '=', consultationId)
    .orderBy('position')
    .execute();

export async function insertAttachment(
  q: Q,
  values: { consultation_id: number; file_hash: string; filename: string; mime: string; size: number },
): Promise<number> {
  return (await q.insertInto('consultation_attachments').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** A consultation's files in the order they were attached. */
export const attachmentsOf = (q: Q, consultationId: number) =>
  q
    .selectFrom('consultation_attachments')
    .select(['id', 'file_hash', 'filename', 'mime', 'size'])
    .where('consultation_id', '=', consultationId)
    .orderBy('id')
    .execute();

export async function deleteAttachment(q: Q, consultationId: number, attachmentId: number): Promise<boolean> {
  const r = await q
    .deleteFrom('consultation_attachments')
    .where('consultation_id', '=', consultationId)
    .where('id', '=', attachmentId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertComment(q: Q, values: Insertable<ConsultationCommentsTable>): Promise<number> {
  return (await q.insertInto('consultation_comments').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export const commentRow = (q: Q, consultationId: number, commentId: number) =>
  q
    .selectFrom('consultation_comments')
    .selectAll()
    .where('consultation_id', '=', consultationId)
    .where('id', '=', commentId)
    .forUpdate()
    .executeTakeFirst();

export async function updateComment(q: Q, commentId: number, set: Updateable<ConsultationCommentsTable>) {
  await q.updateTable('consultation_comments').set(set).where('id', '=', commentId).execute();
}

/** A consultation's comments in the order they came (only those shown, for the public). */
export function commentsOf(q: Q, consultationId: number, shownOnly: boolean) {
  let query = q
    .selectFrom('consultation_comments')
    .leftJoin('consultation_articles', 'consultation_articles.id', 'consultation_comments.article_id')
    .selectAll('consultation_comments')
    .select('consultation_articles.heading as article')
    .where('consultation_comments.consultation_id', '=', consultationId);
  if (shownOnly) query = query.where('consultation_comments.state', '=', 'shown');
  return query.orderBy('consultation_comments.id').execute();
}

/** Published consultations of a site, the newest first (one more than a page: whether there is a next one). */
export async function publicConsultations(q: Q, siteId: number, page: number) {
  const rows = await q
    .selectFrom('consultations')
    .innerJoin('agencies', 'agencies.id', 'consultations.agency_id')
    .select([
      'consultations.id',
      'consultations.title',
      'consultations.opens_on',
      'consultations.closes_on',
      'consultations.published_at',
      'consultations.result_published_at',
      'consultations.withdrawn_reason',
      'agencies.name as agency',
      (eb) =>
        eb
          .selectFrom('consultation_comments')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('consultation_comments.consultation_id', '=', 'consultations.id')
          .where('consultation_comments.state', '=', 'shown')
          .as('comments'),
    ])
    .where('consultations.site_id', '=', siteId)
    .where('consultations.published_at', 'is not', null)
    .where('consultations.withdrawn_reason', '=', '')
    .orderBy('consultations.opens_on', 'desc')
    .orderBy('consultations.id', 'desc')
    .limit(CONSULTATION_PAGE + 1)
    .offset((page - 1) * CONSULTATION_PAGE)
    .execute();
  return { rows: rows.slice(0, CONSULTATION_PAGE), more: rows.length > CONSULTATION_PAGE };
}

/** The staff's list: every consultation of the site, or of these agencies, the most recently changed first. */
export async function staffConsultations(q: Q, siteId: number, agencyIds: number[] | undefined, page: number) {
  let query = q.selectFrom('consultations').where('consultations.site_id', '=', siteId);
  if (agencyIds) query = query.where('consultations.agency_id', 'in', agencyIds.length ? agencyIds : [0]);
  const [rows, total] = await Promise.all([
    query
      .innerJoin('agencies', 'agencies.id', 'consultations.agency_id')
      .select([
        'consultations.id',
        'consultations.title',
        'consultations.opens_on',
        'consultations.closes_on',
        'consultations.published_at',
        'consultations.result_due_on',
        'consultations.result_published_at',
        'consultations.withdrawn_reason',
        'agencies.name as agency',
        (eb) =>
          eb
            .selectFrom('consultation_comments')
            .select((e) => e.fn.countAll<string>().as('n'))
            .whereRef('consultation_comments.consultation_id', '=', 'consultations.id')
            .where('consultation_comments.state', '=', 'pending')
            .as('pending'),
      ])
      .orderBy('consultations.updated_at', 'desc')
      .orderBy('consultations.id', 'desc')
      .limit(CONSULTATION_PAGE)
      .offset((page - 1) * CONSULTATION_PAGE)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/**
 * What the 工作台 says of consultations: comments waiting for moderation, and consultations closed without their
 * result — due within `soonDays` days of `today`, or past due.
 */
export async function consultationReminders(
  q: Q,
  siteId: number,
  agencyIds: number[] | undefined,
  today: DateStr,
  soon: DateStr,
) {
  let query = q
    .selectFrom('consultations')
    .where('site_id', '=', siteId)
    .where('published_at', 'is not', null)
    .where('withdrawn_reason', '=', '');
  if (agencyIds) query = query.where('agency_id', 'in', agencyIds.length ? agencyIds : [0]);
  const r = await query
    .select([
      sql<string>`count(*) filter (where opens_on <= ${today} and closes_on >= ${today})`.as('open'),
      sql<string>`count(*) filter (where result_published_at is null and closes_on < ${today})`.as('awaiting'),
      sql<string>`count(*) filter (where result_published_at is null and closes_on < ${today} and result_due_on < ${today})`.as(
        'late',
      ),
      sql<string>`count(*) filter (where result_published_at is null and closes_on < ${today} and result_due_on >= ${today} and result_due_on <= ${soon})`.as(
        'soon',
      ),
    ])
    .executeTakeFirstOrThrow();
  const pending = await query
    .innerJoin('consultation_comments', 'consultation_comments.consultation_id', 'consultations.id')
    .where('consultation_comments.state', '=', 'pending')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    open: Number(r.open),
    awaiting: Number(r.awaiting),
    late: Number(r.late),
    soon: Number(r.soon),
    pending: Number(pending.n),
  };
}

/** Published consultations as search indexes them, by id or a page in id order. */
export function searchableConsultations(q: Q, which: { ids: number[] } | { after: number; limit: number }) {
  let query = q
    .selectFrom('consultations')
    .innerJoin('agencies', 'agencies.id', 'consultations.agency_id')
    .select([
      'consultations.id',
      'consultations.site_id',
      'consultations.agency_id',
      'consultations.title',
      'consultations.draft',
      'consultations.explanation',
      'consultations.result',
      'consultations.opens_on',
      'consultations.closes_on',
      'agencies.name as agency',
    ])
    .where('consultations.published_at', 'is not', null)
    .where('consultations.withdrawn_reason', '=', '');
  if ('ids' in which) query = query.where('consultations.id', 'in', which.ids);
  else query = query.where('consultations.id', '>', which.after).orderBy('consultations.id').limit(which.limit);
  return query.execute();
}
