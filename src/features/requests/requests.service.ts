/**
 * 依申请公开 use cases: each runs in one transaction, checks who may act, writes the case's event and the
 * audit record together, and keeps the cached clock (due date, stage) in step with the events.
 */
import type { Insertable, Kysely } from 'kysely';
import { type Actor, type Principal, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { addWorkdays, type Calendar, type DateStr, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, RequestRow, RequestsTable, Site } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { checkUpload, PDF_OR_IMAGE, recordFile, safeFilename } from '../../core/files.ts';
import { maskIdNumber } from '../../core/identity.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { keyedHash, seal, unseal } from '../../core/secrets.ts';
import { newQueryCode, newTrackingNo, queryCodeHash, queryCodeMatches } from '../../core/tracking.ts';
import { parseInput } from '../../core/validate.ts';
import { recipients, siteAgencies, updateSiteSettings } from '../admin/admin.service.ts';
import { chineseDate, draftNotice, NOTICE_TITLES, type NoticeKind } from './requests.letters.ts';
import { actionsFor, canSee, mayHandle, requireHandler, requireRegistrar } from './requests.policy.ts';
import { type CaseFilter, listCases, officeOverview, unreadNotifications } from './requests.read.store.ts';
import {
  allowedOutcomes,
  availableActions,
  CASE_PAGE,
  type CaseState,
  type Clock,
  caseStateOf,
  clockEventsOf,
  computeClock,
  type EventRecord,
  FEE_PAYMENT_WORKDAYS,
  reminderThresholds,
  STAGE_LABELS,
  stageOf,
} from './requests.rules.ts';
import {
  type ApplicationInput,
  applicationInput,
  CHANNELS,
  lookupInput,
  registrationInput,
} from './requests.schema.ts';
import {
  agencyOfSite,
  appealsOf,
  attachmentOf,
  attachmentsOf,
  caseByTrackingNo,
  caseRow,
  casesInStages,
  type EventValues,
  eventRecords,
  eventRows,
  insertAttachment,
  insertEvent,
  insertNotification,
  lockCase,
  markRead,
  insertCase as storeCase,
  updateCase,
} from './requests.store.ts';

type Trx = Kysely<DB>;

/** An attachment of the public form (proof of identity): PDF or image only, and small. */
export const APPLICATION_FILE_MAX = 5 * 1024 * 1024;

export const today = (ctx: Ctx) => shanghaiDate(ctx.now());

export const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

const applicantKey = (ctx: Ctx, a: { idNumber: string; orgCode: string }) =>
  keyedHash(dataKey(ctx.config), 'applicant', a.orgCode || a.idNumber);
const codeHash = (ctx: Ctx, trackingNo: string, code: string) =>
  queryCodeHash(dataKey(ctx.config), 'query-code', trackingNo, code);

function applicantValues(ctx: Ctx, a: ApplicationInput) {
  return {
    applicant_type: a.applicantType,
    applicant_name: a.name,
    id_type: a.idType,
    id_number_enc: seal(dataKey(ctx.config), a.idNumber),
    id_number_hint: a.idNumber ? maskIdNumber(a.idNumber) : '',
    org_code: a.applicantType === 'person' ? '' : a.orgCode,
    applicant_key: applicantKey(ctx, a),
    contact_name: a.contactName,
    phone: a.phone,
    email: a.email,
    address: a.address,
    postcode: a.postcode,
    description: a.description,
    form_wanted: a.formWanted,
    delivery: a.delivery,
    fee_waiver_requested: a.feeWaiver,
    fee_waiver_reason: a.feeWaiver ? a.feeWaiverReason : '',
  };
}

/** The agency chosen for a case, checked to be one of the site's. */
export async function agencyOnSite(trx: Trx, siteId: number, agencyId: number) {
  const agency = await agencyOfSite(trx, siteId, agencyId);
  if (!agency) throw badInput('所选机构不存在', { agencyId: '请选择受理机构' });
  return agency;
}

/** Inserts the case with a fresh tracking number (date + 6 random digits); returns its id and the query code. */
async function insertCase(
  ctx: Ctx,
  trx: Trx,
  values: Omit<Insertable<RequestsTable>, 'tracking_no' | 'query_code_hash'>,
) {
  const code = newQueryCode();
  for (let attempt = 0; attempt < 20; attempt++) {
    const trackingNo = newTrackingNo(today(ctx));
    const id = await storeCase(trx, {
      ...values,
      tracking_no: trackingNo,
      query_code_hash: codeHash(ctx, trackingNo, code),
    });
    if (id !== undefined) return { id, trackingNo, queryCode: code };
  }
  throw conflict('申请编号生成失败，请重试');
}

/** Records a step of the case, with who took it. */
export function addEvent(trx: Trx, actor: Actor, requestId: number, e: EventValues) {
  return insertEvent(trx, requestId, { id: actor.principal?.userId ?? null, name: actor.principal?.name ?? '' }, e);
}

/** Tells the agency's 信息员 in the back office that a case waits for them. */
export async function notifyAgency(trx: Trx, siteId: number, agencyId: number, requestId: number, message: string) {
  for (const u of await recipients(trx, { userId: null, role: 'editor', agencyId }))
    await insertNotification(trx, {
      site_id: siteId,
      user_id: u.id,
      request_id: requestId,
      kind: `new:${agencyId}`,
      message,
    });
}

export interface Submitted {
  id: number;
  trackingNo: string;
  queryCode: string;
}

/** The public form: the whole application is stored, with its attachment, or nothing is. */
export async function submitApplication(
  ctx: Ctx,
  siteId: number,
  raw: Record<string, unknown>,
  captcha: { token: string; answer: string },
  file: { name: string; data: Buffer } | null,
  ip: string,
): Promise<Submitted> {
  const input = parseInput(applicationInput(today(ctx)), raw);
  const mime = file ? await checkUpload(file.name, file.data, APPLICATION_FILE_MAX) : null;
  if (mime && !PDF_OR_IMAGE.has(mime)) throw badInput('身份证明材料只接受 PDF、JPG 或 PNG 文件');
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
  // the file is kept only once the form and the answer are right
  const stored = file && mime ? { hash: await ctx.files.put(file.data), mime } : null;
  return ctx.db.transaction().execute(async (trx) => {
    const agency = await agencyOnSite(trx, siteId, input.agencyId);
    const created = await insertCase(ctx, trx, {
      site_id: siteId,
      agency_id: agency.id,
      channel: 'online',
      stage: 'awaiting_receipt',
      submitted_at: ctx.now(),
      ...applicantValues(ctx, input),
    });
    await addEvent(trx, { principal: null, ip }, created.id, { kind: 'submitted', on: today(ctx) });
    if (stored && file) {
      await recordFile(trx, { hash: stored.hash, size: file.data.length, mime: stored.mime });
      await insertAttachment(trx, {
        request_id: created.id,
        file_hash: stored.hash,
        filename: safeFilename(file.name),
        mime: stored.mime,
        size: file.data.length,
      });
    }
    if (input.email)
      await enqueueMail(trx, {
        siteId,
        to: input.email,
        subject: `政府信息公开申请已提交（申请编号 ${created.trackingNo}）`,
        // the query code is sealed until the mail has gone, then forgotten: it opens the case
        secrets: { key: dataKey(ctx.config), values: { queryCode: created.queryCode } },
        body: `${input.name}：\n\n您向${agency.name}提出的政府信息公开申请已提交。\n申请编号：${created.trackingNo}\n查询码：{{queryCode}}\n\n受理机构确认收到后开始计算答复期限。您可以凭申请编号和查询码在网站“依申请公开”栏目查询办理进度和答复。请妥善保管查询码。`,
      });
    await notifyAgency(trx, siteId, agency.id, created.id, `收到新的网上政府信息公开申请（${created.trackingNo}）`);
    await audit(
      trx,
      { principal: null, ip },
      {
        siteId,
        agencyId: agency.id,
        action: 'request.submit',
        entityType: 'request',
        entityId: created.id,
        after: { trackingNo: created.trackingNo, channel: 'online' },
      },
    );
    return created;
  });
}

/** Staff register an application that came by letter, registered mail, fax or in person. */
export async function registerApplication(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<Submitted> {
  const p = need(actor);
  const input = parseInput(registrationInput(today(ctx)), raw);
  requireRegistrar(p, siteId, input.agencyId);
  return ctx.db.transaction().execute(async (trx) => {
    const agency = await agencyOnSite(trx, siteId, input.agencyId);
    const created = await insertCase(ctx, trx, {
      site_id: siteId,
      agency_id: agency.id,
      channel: input.channel,
      submitted_at: ctx.now(),
      stage: input.receivedOn ? 'handling' : 'awaiting_receipt',
      received_on: input.receivedOn,
      handler_id: p.userId,
      ...applicantValues(ctx, input),
    });
    await addEvent(trx, actor, created.id, {
      kind: 'registered',
      on: today(ctx),
      note: `${CHANNELS[input.channel].label}：${CHANNELS[input.channel].rule}`,
    });
    if (input.receivedOn) await addEvent(trx, actor, created.id, { kind: 'received', on: input.receivedOn });
    await recompute(trx, await loadCalendar(trx, siteId), created.id);
    await audit(trx, actor, {
      siteId,
      agencyId: agency.id,
      action: 'request.register',
      entityType: 'request',
      entityId: created.id,
      after: { trackingNo: created.trackingNo, channel: input.channel, receivedOn: input.receivedOn },
    });
    return created;
  });
}

/** A stored event as the rules read it. */
const recordOf = (e: { kind: string; on_date: DateStr; ref: string; workdays: number | null }): EventRecord => ({
  kind: e.kind,
  on: e.on_date,
  ref: e.ref,
  workdays: e.workdays,
});

/** A case's events in the order they were recorded, with what staff noted on each. */
export async function eventsOf(db: Trx, requestId: number): Promise<(EventRecord & { note: string })[]> {
  return (await eventRecords(db, requestId)).map((r) => ({ ...recordOf(r), note: r.note }));
}

export function stateOf(cal: Calendar, r: RequestRow, events: EventRecord[]) {
  return caseStateOf(cal, events, {
    decided: r.outcome !== null,
    replySent: r.reply_sent_on !== null,
    closed: r.closed_at !== null,
  });
}

/** Brings the cached stage and due date of a case in line with its events. */
export async function recompute(
  trx: Trx,
  cal: Calendar,
  requestId: number,
): Promise<{ state: CaseState; clock: Clock | null }> {
  const r = await caseRow(trx, requestId);
  if (!r) throw notFound('申请不存在');
  const s = stateOf(cal, r, await eventsOf(trx, requestId));
  await updateCase(trx, requestId, {
    stage: stageOf(s.state),
    due_on: s.clock?.due ?? null,
    due_certain: s.clock?.certain ?? true,
    clock_stopped: s.clock?.stopped ?? null,
    updated_at: new Date(),
  });
  return s;
}

/**
 * After the calendar changed: the due date of every open case it touches again (a site's entry: that site's cases;
 * a national one: every site's, each on its own site's calendar). Returns how many changed.
 */
export async function recomputeOpenCases(trx: Trx, siteId: number | null): Promise<number> {
  const open = await casesInStages(trx, ['handling', 'amendment', 'consultation', 'fee'], siteId);
  const calendars = new Map<number, Calendar>();
  let changed = 0;
  for (const r of open) {
    let cal = calendars.get(r.site_id);
    if (!cal) {
      cal = await loadCalendar(trx, r.site_id);
      calendars.set(r.site_id, cal);
    }
    const s = await recompute(trx, cal, r.id);
    if ((s.clock?.due ?? null) !== r.due_on) changed++;
  }
  return changed;
}

/** A case as its handler sees it, personal data included; the view is audited. */
export async function openCase(ctx: Ctx, actor: Actor, requestId: number) {
  const p = need(actor);
  const r = await caseRow(ctx.db, requestId);
  if (!r || !canSee(p, r)) throw notFound('申请不存在');
  const cal = await loadCalendar(ctx.db, r.site_id);
  const events = await eventRows(ctx.db, r.id);
  const s = stateOf(cal, r, events.map(recordOf));
  const [all, attachments, appeals] = await Promise.all([
    siteAgencies(ctx, r.site_id),
    attachmentsOf(ctx.db, r.id),
    appealsOf(ctx.db, r.id),
  ]);
  const agencies = all.map((a) => ({ id: a.id, name: a.name }));
  const agency = agencies.find((a) => a.id === r.agency_id) ?? { id: r.agency_id, name: '' };
  await ctx.db.transaction().execute((trx) =>
    audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.view_personal_data',
      entityType: 'request',
      entityId: r.id,
    }),
  );
  const actions = actionsFor(p, r, availableActions(s.state));
  return {
    request: { ...r, id_number: unseal(dataKey(ctx.config), r.id_number_enc) },
    agency,
    agencies,
    events,
    attachments,
    appeals,
    state: s.state,
    clock: s.clock,
    actions,
    // the files disclosed with the reply can change from the decision until the reply has gone
    replyFilesOpen: Boolean(r.outcome) && !r.reply_sent_on && mayHandle(p, r.site_id, r.agency_id),
    outcomes: allowedOutcomes(s.state),
    today: today(ctx),
    calendar: cal,
  };
}

/**
 * The notice a step of the case sends the applicant (补正告知书, 延期答复告知书, 缴费通知书), drafted from the step as
 * recorded: for print and Word when the applicant gave no e-mail address. Reading it is a view of personal data.
 */
export async function caseNotice(ctx: Ctx, actor: Actor, requestId: number, eventId: number) {
  const c = await openCase(ctx, actor, requestId);
  const e = c.events.find((x) => x.id === eventId);
  if (!e || !Object.hasOwn(NOTICE_TITLES, e.kind)) throw notFound('该办理环节没有通知书');
  const kind = e.kind as NoticeKind;
  const r = c.request;
  const data = (e.data ?? {}) as { amount?: number; method?: string; pages?: number };
  // the answer date as the extension left it: the clock over the steps up to this one
  const upTo = c.events.filter((x) => x.id <= e.id).map(recordOf);
  const newDue = kind === 'extended' ? computeClock(c.calendar, clockEventsOf(upTo)).due : null;
  const text = draftNotice({
    kind,
    applicant: r.applicant_name,
    trackingNo: r.tracking_no,
    receivedOn: chineseDate(r.received_on!),
    description: r.description,
    agency: c.agency.name,
    on: chineseDate(e.on_date),
    note: e.note,
    workdays: e.workdays ?? undefined,
    newDue: newDue ? chineseDate(newDue) : undefined,
    amount: data.amount,
    byPages: data.method === 'pages' ? data.pages : undefined,
    payBy:
      kind === 'fee_notified' ? chineseDate(addWorkdays(c.calendar, e.on_date, FEE_PAYMENT_WORKDAYS).date) : undefined,
  });
  return { title: NOTICE_TITLES[kind], trackingNo: r.tracking_no, text };
}

/** An attachment of a case, for its handler. */
export async function caseAttachment(ctx: Ctx, actor: Actor, requestId: number, attachmentId: number) {
  const p = need(actor);
  const r = await caseRow(ctx.db, requestId);
  if (!r || !canSee(p, r)) throw notFound('申请不存在');
  const a = await attachmentOf(ctx.db, r.id, attachmentId);
  if (!a) throw notFound('附件不存在');
  await ctx.db.transaction().execute((trx) =>
    audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.view_attachment',
      entityType: 'request',
      entityId: r.id,
    }),
  );
  return { filename: a.filename, mime: a.mime, data: await ctx.files.get(a.file_hash) };
}

/** Issues a new query code (the applicant lost theirs); the old one stops working. */
export async function resetQueryCode(ctx: Ctx, actor: Actor, requestId: number): Promise<Submitted> {
  const p = need(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await lockCase(trx, requestId);
    if (!r || !canSee(p, r)) throw notFound('申请不存在');
    requireHandler(p, r);
    const code = newQueryCode();
    await updateCase(trx, r.id, { query_code_hash: codeHash(ctx, r.tracking_no, code) });
    await audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.reset_code',
      entityType: 'request',
      entityId: r.id,
    });
    return { id: r.id, trackingNo: r.tracking_no, queryCode: code };
  });
}

/** What the applicant sees from the tracking number and query code: no other personal data than their letter. */
/** The case an applicant opens with its tracking number and query code (the same answer for either wrong). */
export async function applicantCase(ctx: Ctx, siteId: number, raw: unknown) {
  const input = parseInput(lookupInput, raw);
  const r = await caseByTrackingNo(ctx.db, siteId, input.trackingNo.trim());
  if (!r || !queryCodeMatches(dataKey(ctx.config), 'query-code', r.tracking_no, input.queryCode, r.query_code_hash))
    throw notFound('申请编号或查询码不正确');
  return r;
}

export async function lookupCase(ctx: Ctx, siteId: number, raw: unknown) {
  const r = await applicantCase(ctx, siteId, raw);
  // while the agency waits for the applicant: what to do, and by when
  let waiting: { kind: 'amendment' | 'fee'; what: string; by: DateStr | null } | null = null;
  if (r.stage === 'amendment' || r.stage === 'fee') {
    const events = await eventsOf(ctx.db, r.id);
    const clock = computeClock(await loadCalendar(ctx.db, siteId), clockEventsOf(events));
    waiting =
      r.stage === 'amendment'
        ? {
            kind: 'amendment',
            what: events.findLast((e) => e.kind === 'amendment_requested')?.note ?? '',
            by: clock.amendmentDue,
          }
        : { kind: 'fee', what: `信息处理费 ${r.fee_amount ?? ''} 元`, by: clock.feeDue };
  }
  return {
    waiting,
    trackingNo: r.tracking_no,
    stage: r.stage,
    stageLabel: STAGE_LABELS[r.stage],
    agency: r.agency_name,
    submittedOn: shanghaiDate(r.submitted_at),
    receivedOn: r.received_on,
    dueOn: r.stage === 'replied' || r.stage === 'closed' || r.stage === 'decided' ? null : r.due_on,
    dueCertain: r.due_certain,
    replySentOn: r.reply_sent_on,
    reply: r.reply_sent_on ? r.reply_text : '',
    // the files disclosed with the reply, once it has been sent
    files: r.reply_sent_on
      ? (await attachmentsOf(ctx.db, r.id, 'reply')).map((a) => ({ id: a.id, filename: a.filename, size: a.size }))
      : [],
    description: r.description,
  };
}

/** The office sets at how many working days left the handlers are reminded (e.g. "5 2 0"). */
export async function setReminderThresholds(ctx: Ctx, actor: Actor, siteId: number, raw: unknown) {
  const days = String(raw ?? '')
    .slice(0, 40)
    .split(/[\s,，、]+/)
    .filter(Boolean)
    .map(Number);
  if (!days.length || days.length > 5 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 20))
    throw badInput('提醒天数应为 0 到 20 之间的整数，最多 5 个，用空格分隔', { reminderWorkdays: '格式不正确' });
  await updateSiteSettings(ctx, actor, siteId, { reminderWorkdays: [...new Set(days)] });
}

export async function markNotificationsRead(ctx: Ctx, userId: number) {
  await markRead(ctx.db, userId, ctx.now());
}

/** Cases the member may see (the office: its whole site; others: their agencies), a page at a time, newest first. */
export async function casesFor(ctx: Ctx, p: Principal, siteId: number, filter: CaseFilter, page: number) {
  const { rows, total } = await listCases(
    ctx.db,
    await loadCalendar(ctx.db, siteId),
    p,
    siteId,
    filter,
    page,
    ctx.now(),
  );
  return { rows, total, pages: Math.ceil(total / CASE_PAGE) };
}

/** The open cases of the site by agency (overdue, due soon at the site's first reminder threshold), and the thresholds. */
export async function agencyLoads(ctx: Ctx, site: Site) {
  const thresholds = reminderThresholds(site.settings);
  const rows = await officeOverview(
    ctx.db,
    await loadCalendar(ctx.db, site.id),
    site.id,
    thresholds[0] ?? 0,
    ctx.now(),
  );
  return { rows, thresholds };
}

/** The office's overview of its site's open cases. */
export async function officeLoads(ctx: Ctx, actor: Actor, site: Site) {
  requireSiteAdmin(actor, site.id);
  return agencyLoads(ctx, site);
}

/** The member's unread reminders, newest first. */
export const unreadReminders = (ctx: Ctx, userId: number) => unreadNotifications(ctx.db, userId);
