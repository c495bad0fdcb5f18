import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DateStr } from '../../core/calendar.ts';
import type { Db } from '../../core/db.ts';
import type {
  DB,
  NotificationsTable,
  RequestAppealsTable,
  RequestAttachmentsTable,
  RequestRow,
  RequestStage,
  RequestsTable,
} from '../../core/db.types.ts';

/** A connection or the transaction a use case runs in. */
type Q = Kysely<DB>;

/** An agency of the site (the applicant's or the staff member's choice, checked). */
export function agencyOfSite(q: Q, siteId: number, agencyId: number) {
  return q
    .selectFrom('agencies')
    .select(['id', 'name', 'site_id'])
    .where('id', '=', agencyId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
}

/** Inserts a case; undefined when its tracking number is taken. */
export async function insertCase(q: Q, values: Insertable<RequestsTable>): Promise<number | undefined> {
  const row = await q
    .insertInto('requests')
    .values(values)
    .onConflict((oc) => oc.column('tracking_no').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export function caseRow(q: Q, requestId: number): Promise<RequestRow | undefined> {
  return q.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirst();
}

/** The case, locked until the transaction ends. */
export function lockCase(q: Q, requestId: number): Promise<RequestRow | undefined> {
  return q.selectFrom('requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
}

export async function updateCase(q: Q, requestId: number, set: Updateable<RequestsTable>): Promise<void> {
  await q.updateTable('requests').set(set).where('id', '=', requestId).execute();
}

export interface EventValues {
  kind: string;
  on: DateStr;
  ref?: string;
  workdays?: number | null;
  note?: string;
  data?: unknown;
}

export async function insertEvent(
  q: Q,
  requestId: number,
  by: { id: number | null; name: string },
  e: EventValues,
): Promise<void> {
  await q
    .insertInto('request_events')
    .values({
      request_id: requestId,
      kind: e.kind,
      on_date: e.on,
      ref: e.ref ?? '',
      workdays: e.workdays ?? null,
      note: e.note ?? '',
      data: JSON.stringify(e.data ?? {}),
      actor_id: by.id,
      actor_name: by.name,
    })
    .execute();
}

/** What the clock reads of a case's events, in the order they were recorded. */
export function eventRecords(q: Q, requestId: number) {
  return q
    .selectFrom('request_events')
    .select(['kind', 'on_date', 'ref', 'workdays', 'note'])
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
}

/** A case's events with who recorded them, for its page. */
export function eventRows(q: Q, requestId: number) {
  return q.selectFrom('request_events').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}

/** Writes a notice to a user once per case and kind; false when it was there already. */
export async function insertNotification(q: Q, n: Insertable<NotificationsTable>): Promise<boolean> {
  const added = await q
    .insertInto('notifications')
    .values(n)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return added !== undefined;
}

export async function insertAttachment(q: Q, a: Insertable<RequestAttachmentsTable>): Promise<number> {
  const row = await q.insertInto('request_attachments').values(a).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A case's files: the applicant's proof, then the files disclosed with the reply, each in the order added. */
export function attachmentsOf(q: Q, requestId: number, kind?: 'proof' | 'reply') {
  let query = q.selectFrom('request_attachments').selectAll().where('request_id', '=', requestId);
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('kind').orderBy('id').execute();
}

export function attachmentOf(q: Q, requestId: number, attachmentId: number, kind?: 'proof' | 'reply') {
  let query = q
    .selectFrom('request_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('request_id', '=', requestId);
  if (kind) query = query.where('kind', '=', kind);
  return query.executeTakeFirst();
}

/** Removes a file disclosed with the reply. */
export async function deleteReplyFile(q: Q, requestId: number, attachmentId: number): Promise<void> {
  await q
    .deleteFrom('request_attachments')
    .where('id', '=', attachmentId)
    .where('request_id', '=', requestId)
    .where('kind', '=', 'reply')
    .execute();
}

export async function insertAppeal(q: Q, a: Insertable<RequestAppealsTable>): Promise<void> {
  await q.insertInto('request_appeals').values(a).execute();
}

export function appealsOf(q: Q, requestId: number) {
  return q.selectFrom('request_appeals').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}

/** Cases in the stages, of one site or (null) of every site. */
export function casesInStages(q: Q, stages: RequestStage[], siteId: number | null = null) {
  let query = q
    .selectFrom('requests')
    .select(['id', 'site_id', 'agency_id', 'handler_id', 'tracking_no', 'due_on'])
    .where('stage', 'in', stages);
  if (siteId !== null) query = query.where('site_id', '=', siteId);
  return query.execute();
}

/** Cases on the clock with a due date, with their site's settings (the reminder thresholds). */
export function casesDue(q: Q, stages: RequestStage[]) {
  return q
    .selectFrom('requests')
    .innerJoin('sites', 'sites.id', 'requests.site_id')
    .select([
      'requests.id',
      'requests.site_id',
      'requests.agency_id',
      'requests.tracking_no',
      'requests.handler_id',
      'requests.due_on',
      'sites.settings',
    ])
    .where('requests.stage', 'in', stages)
    .where('requests.due_on', 'is not', null)
    .execute();
}

/** How many of the applicant's requests were received earlier in the same calendar month (art. 42 fees). */
export async function earlierInMonth(q: Q, r: RequestRow): Promise<number> {
  const month = r.received_on!.slice(0, 7);
  const earlier = await q
    .selectFrom('requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('site_id', '=', r.site_id)
    .where('applicant_key', '=', r.applicant_key)
    .where('received_on', '>=', `${month}-01`)
    .where('received_on', '<=', `${month}-31`)
    .where((eb) =>
      eb.or([
        eb('received_on', '<', r.received_on!),
        eb.and([eb('received_on', '=', r.received_on!), eb('id', '<', r.id)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(earlier.n);
}

/** A case by its tracking number, with what the applicant may see of it. */
export function caseByTrackingNo(db: Db, siteId: number, trackingNo: string) {
  return db
    .selectFrom('requests')
    .innerJoin('agencies', 'agencies.id', 'requests.agency_id')
    .select([
      'requests.id',
      'requests.fee_amount',
      'requests.tracking_no',
      'requests.query_code_hash',
      'requests.stage',
      'requests.submitted_at',
      'requests.received_on',
      'requests.due_on',
      'requests.due_certain',
      'requests.reply_sent_on',
      'requests.reply_text',
      'requests.description',
      'agencies.name as agency_name',
    ])
    .where('requests.site_id', '=', siteId)
    .where('requests.tracking_no', '=', trackingNo)
    .executeTakeFirst();
}

export async function markRead(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
}
