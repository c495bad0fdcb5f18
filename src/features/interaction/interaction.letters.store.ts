/** The mailbox's SQL: mailboxes, letters, their steps and attachments, canned replies, the public list and statistics. */
import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { DateStr } from '../../core/calendar.ts';
import type {
  CannedRepliesTable,
  DB,
  LetterAttachmentsTable,
  LetterKind,
  LetterRow,
  LetterState,
  LettersTable,
  MailboxesTable,
} from '../../core/db.types.ts';
import { LETTER_PAGE, type LetterCounts } from './interaction.letters.rules.ts';

type Q = Kysely<DB>;

export function mailboxesOf(q: Q, siteId: number, activeOnly = true) {
  let query = q
    .selectFrom('mailboxes')
    .leftJoin('agencies', 'agencies.id', 'mailboxes.agency_id')
    .selectAll('mailboxes')
    .select('agencies.name as agency_name')
    .where('mailboxes.site_id', '=', siteId);
  if (activeOnly) query = query.where('mailboxes.active', '=', true);
  return query.orderBy('mailboxes.position').orderBy('mailboxes.id').execute();
}

export function mailboxBySlug(q: Q, siteId: number, slug: string) {
  return q
    .selectFrom('mailboxes')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('slug', '=', slug)
    .where('active', '=', true)
    .executeTakeFirst();
}

export async function insertMailbox(q: Q, m: Insertable<MailboxesTable>): Promise<number> {
  return (await q.insertInto('mailboxes').values(m).returning('id').executeTakeFirstOrThrow()).id;
}

/** Inserts a letter; undefined when its tracking number is taken. */
export async function insertLetter(q: Q, values: Insertable<LettersTable>): Promise<number | undefined> {
  const row = await q
    .insertInto('letters')
    .values(values)
    .onConflict((oc) => oc.column('tracking_no').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export function letterRow(q: Q, letterId: number): Promise<LetterRow | undefined> {
  return q.selectFrom('letters').selectAll().where('id', '=', letterId).executeTakeFirst();
}

/** The letter, locked until the transaction ends. */
export function lockLetter(q: Q, letterId: number): Promise<LetterRow | undefined> {
  return q.selectFrom('letters').selectAll().where('id', '=', letterId).forUpdate().executeTakeFirst();
}

export function letterByTrackingNo(q: Q, siteId: number, trackingNo: string): Promise<LetterRow | undefined> {
  return q
    .selectFrom('letters')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('tracking_no', '=', trackingNo)
    .executeTakeFirst();
}

export async function updateLetter(q: Q, letterId: number, set: Updateable<LettersTable>): Promise<void> {
  await q
    .updateTable('letters')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', letterId)
    .execute();
}

export interface LetterEvent {
  kind: string;
  on: DateStr;
  note?: string;
  data?: unknown;
}

export async function insertLetterEvent(
  q: Q,
  letterId: number,
  by: { id: number | null; name: string },
  e: LetterEvent,
): Promise<void> {
  await q
    .insertInto('letter_events')
    .values({
      letter_id: letterId,
      kind: e.kind,
      on_date: e.on,
      note: e.note ?? '',
      data: JSON.stringify(e.data ?? {}),
      actor_id: by.id,
      actor_name: by.name,
    })
    .execute();
}

export function letterEvents(q: Q, letterId: number) {
  return q.selectFrom('letter_events').selectAll().where('letter_id', '=', letterId).orderBy('id').execute();
}

export async function insertLetterAttachment(q: Q, a: Insertable<LetterAttachmentsTable>): Promise<void> {
  await q.insertInto('letter_attachments').values(a).execute();
}

export function letterAttachments(q: Q, letterId: number) {
  return q.selectFrom('letter_attachments').selectAll().where('letter_id', '=', letterId).orderBy('id').execute();
}

export function letterAttachment(q: Q, letterId: number, attachmentId: number) {
  return q
    .selectFrom('letter_attachments')
    .selectAll()
    .where('letter_id', '=', letterId)
    .where('id', '=', attachmentId)
    .executeTakeFirst();
}

export function cannedRepliesOf(q: Q, agencyId: number) {
  return q.selectFrom('canned_replies').selectAll().where('agency_id', '=', agencyId).orderBy('id').execute();
}

export async function insertCannedReply(q: Q, c: Insertable<CannedRepliesTable>): Promise<void> {
  await q.insertInto('canned_replies').values(c).execute();
}

export interface StaffLetterFilter {
  state?: LetterState | 'open' | 'overdue';
  /** Only letters of these agencies (an agency's staff), or, with `triage`, those waiting for the office too. */
  agencies?: number[];
  agencyId?: number;
  trackingNo?: string;
}

const OPEN: LetterState[] = ['triage', 'handling', 'review'];

/** Letters for the back office, nearest deadline first among open ones, newest first otherwise. */
export async function staffLetters(q: Q, siteId: number, f: StaffLetterFilter, today: DateStr, page: number) {
  let query = q
    .selectFrom('letters')
    .innerJoin('mailboxes', 'mailboxes.id', 'letters.mailbox_id')
    .leftJoin('agencies', 'agencies.id', 'letters.agency_id')
    .where('letters.site_id', '=', siteId);
  if (f.agencies) {
    const mine = f.agencies;
    query = mine.length ? query.where('letters.agency_id', 'in', mine) : query.where((eb) => eb.val(false));
  }
  if (f.agencyId) query = query.where('letters.agency_id', '=', f.agencyId);
  if (f.trackingNo) query = query.where('letters.tracking_no', '=', f.trackingNo);
  if (f.state === 'open') query = query.where('letters.state', 'in', OPEN);
  else if (f.state === 'overdue') query = query.where('letters.state', 'in', OPEN).where('letters.due_on', '<', today);
  else if (f.state) query = query.where('letters.state', '=', f.state);
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'letters.id',
      'letters.tracking_no',
      'letters.kind',
      'letters.title',
      'letters.state',
      'letters.submitted_at',
      'letters.due_on',
      'letters.due_certain',
      'letters.rating',
      'letters.published_at',
      'mailboxes.name as mailbox',
      'agencies.name as agency',
    ])
    .orderBy(sql`letters.state in ('triage', 'handling', 'review')`, 'desc')
    .orderBy(sql`case when letters.state in ('triage', 'handling', 'review') then letters.due_on end`, 'asc')
    .orderBy('letters.id', 'desc')
    .limit(LETTER_PAGE)
    .offset((page - 1) * LETTER_PAGE)
    .execute();
  return { rows, total: Number(n) };
}

/**
 * Open letters of the site by how near their deadline is, and those older than `staleBefore` (a message unanswered
 * for three months fails the site's inspection, RULES.md §4): for the 工作台 and the letters page.
 */
export async function openLetterCounts(
  q: Q,
  siteId: number,
  agencies: number[] | null,
  today: DateStr,
  soon: DateStr,
  staleBefore: Date,
) {
  let query = q.selectFrom('letters').where('site_id', '=', siteId).where('state', 'in', OPEN);
  if (agencies) query = agencies.length ? query.where('agency_id', 'in', agencies) : query.where((eb) => eb.val(false));
  const r = await query
    .select((eb) => [
      eb.fn.countAll<number>().as('open'),
      eb.fn.count<number>('id').filterWhere('state', '=', 'triage').as('triage'),
      eb.fn.count<number>('id').filterWhere('state', '=', 'review').as('review'),
      eb.fn.count<number>('id').filterWhere('due_on', '<', today).as('overdue'),
      eb.fn.count<number>('id').filterWhere('due_on', '>=', today).filterWhere('due_on', '<=', soon).as('soon'),
      eb.fn.count<number>('id').filterWhere('submitted_at', '<', staleBefore).as('stale'),
    ])
    .executeTakeFirstOrThrow();
  return {
    open: Number(r.open),
    triage: Number(r.triage),
    review: Number(r.review),
    overdue: Number(r.overdue),
    soon: Number(r.soon),
    stale: Number(r.stale),
  };
}

export interface PublicLetterFilter {
  mailboxId?: number;
  agencyId?: number;
  kind?: LetterKind;
}

export const PUBLIC_PAGE = 20;

/** The letters the office published, newest first (the index `letters_public` serves it at any size). */
export async function publicLetters(q: Q, siteId: number, f: PublicLetterFilter, page: number) {
  let query = q
    .selectFrom('letters')
    .where('letters.site_id', '=', siteId)
    .where('letters.published_at', 'is not', null);
  if (f.mailboxId) query = query.where('letters.mailbox_id', '=', f.mailboxId);
  if (f.agencyId) query = query.where('letters.reply_agency_id', '=', f.agencyId);
  if (f.kind) query = query.where('letters.kind', '=', f.kind);
  const rows = await query
    .leftJoin('agencies', 'agencies.id', 'letters.reply_agency_id')
    .select([
      'letters.id',
      'letters.kind',
      'letters.public_title as title',
      'letters.submitted_at',
      'letters.replied_on',
      'agencies.name as agency',
    ])
    .orderBy('letters.published_at', 'desc')
    .orderBy('letters.id', 'desc')
    .limit(PUBLIC_PAGE + 1)
    .offset((page - 1) * PUBLIC_PAGE)
    .execute();
  return { rows: rows.slice(0, PUBLIC_PAGE), more: rows.length > PUBLIC_PAGE };
}

export function publicLetter(q: Q, siteId: number, letterId: number) {
  return q
    .selectFrom('letters')
    .innerJoin('mailboxes', 'mailboxes.id', 'letters.mailbox_id')
    .leftJoin('agencies', 'agencies.id', 'letters.reply_agency_id')
    .select([
      'letters.id',
      'letters.kind',
      'letters.public_title as title',
      'letters.public_content as content',
      'letters.writer_name',
      'letters.submitted_at',
      'letters.public_reply as reply',
      'letters.replied_on',
      'letters.rating',
      'mailboxes.name as mailbox',
      'agencies.name as agency',
    ])
    .where('letters.site_id', '=', siteId)
    .where('letters.id', '=', letterId)
    .where('letters.published_at', 'is not', null)
    .executeTakeFirst();
}

/**
 * Counts again the letters a site received in one month (YYYY-MM, Asia/Shanghai), per handling agency and per
 * mailbox, from the letters themselves: received, answered, on time, days to answer, ratings; letters closed as
 * duplicates or abuse are not received letters (they are counted apart). Called by each step of a letter, in its
 * transaction; one month is recounted by one transaction at a time.
 */
export async function recountLetterMonth(q: Q, siteId: number, month: string): Promise<void> {
  const [y, m] = month.split('-').map(Number);
  const from = `${month}-01`;
  const to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`letter_month_counts:${siteId}:${month}`}, 0))`.execute(q);
  await q.deleteFrom('letter_month_counts').where('site_id', '=', siteId).where('month', '=', month).execute();
  await sql`insert into letter_month_counts
    select ${siteId}, ${month}, by_agency, ref,
      count(*) filter (where closed_kind is null),
      count(*) filter (where replied_on is not null),
      count(*) filter (where replied_on is not null and replied_on <= due_on),
      coalesce(sum(replied_on - (submitted_at at time zone 'Asia/Shanghai')::date) filter (where replied_on is not null), 0),
      count(rating),
      count(*) filter (where rating = 'satisfied'),
      count(*) filter (where rating = 'basic'),
      count(*) filter (where closed_kind is not null)
    from (select letters.*, b.by_agency, case when b.by_agency then agency_id else mailbox_id end as ref
          from letters cross join (values (true), (false)) as b(by_agency)
          where site_id = ${siteId}
            and submitted_at >= (${from}::date)::timestamp at time zone 'Asia/Shanghai'
            and submitted_at < (${to}::date)::timestamp at time zone 'Asia/Shanghai') l
    group by by_agency, ref`.execute(q);
}

/**
 * A year's kept counts of a site's letters, summed in the database: per month, per handling agency (null: not yet
 * assigned) and per mailbox — a few hundred rows whatever the number of letters.
 */
export async function letterYearCounts(q: Q, siteId: number, year: number) {
  const r = await sql<{
    month: string | null;
    by_agency: boolean;
    ref: number | null;
    received: number;
    answered: number;
    on_time: number;
    answer_days: number;
    rated: number;
    satisfied: number;
    basic: number;
    closed: number;
  }>`select month, by_agency, ref,
      sum(received)::int as received, sum(answered)::int as answered, sum(on_time)::int as on_time,
      sum(answer_days)::int as answer_days, sum(rated)::int as rated, sum(satisfied)::int as satisfied,
      sum(basic)::int as basic, sum(closed)::int as closed
    from letter_month_counts
    where site_id = ${siteId} and month >= ${`${year}-01`} and month <= ${`${year}-12`}
    group by grouping sets ((by_agency, month), (by_agency, ref))`.execute(q);
  const out = (row: (typeof r.rows)[number]) => ({
    ref: row.ref,
    month: row.month ?? '',
    closed: row.closed,
    counts: {
      received: row.received,
      answered: row.answered,
      onTime: row.on_time,
      answerDays: row.answer_days,
      rated: row.rated,
      satisfied: row.satisfied,
      basic: row.basic,
    } satisfies LetterCounts,
  });
  // each letter is kept twice, under its agency and under its mailbox: the months are read from one side
  return {
    months: r.rows.filter((x) => x.month !== null && x.by_agency).map(out),
    agencies: r.rows.filter((x) => x.month === null && x.by_agency).map(out),
    mailboxes: r.rows.filter((x) => x.month === null && !x.by_agency).map(out),
  };
}

/** Published letters as search indexes them, by id or a page in id order. */
export function searchableLetters(q: Q, which: { ids: number[] } | { after: number; limit: number }) {
  let query = q
    .selectFrom('letters')
    .innerJoin('mailboxes', 'mailboxes.id', 'letters.mailbox_id')
    .leftJoin('agencies', 'agencies.id', 'letters.reply_agency_id')
    .select([
      'letters.id',
      'letters.site_id',
      'letters.kind',
      'letters.reply_agency_id as agency_id',
      'letters.public_title as title',
      'letters.public_content as content',
      'letters.public_reply as reply',
      'letters.published_at',
      'mailboxes.name as mailbox',
      'agencies.name as agency',
    ])
    .where('letters.published_at', 'is not', null);
  if ('ids' in which) query = query.where('letters.id', 'in', which.ids);
  else query = query.where('letters.id', '>', which.after).orderBy('letters.id').limit(which.limit);
  return query.execute();
}

export async function setMailboxActive(q: Q, siteId: number, mailboxId: number, active: boolean): Promise<boolean> {
  const r = await q
    .updateTable('mailboxes')
    .set({ active })
    .where('site_id', '=', siteId)
    .where('id', '=', mailboxId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes a canned reply of the agency; whether there was one. */
export async function deleteCannedReply(q: Q, agencyId: number, cannedId: number): Promise<boolean> {
  const r = await q
    .deleteFrom('canned_replies')
    .where('agency_id', '=', agencyId)
    .where('id', '=', cannedId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
