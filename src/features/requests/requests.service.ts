/**
 * 依申请公开 use cases: each runs in one transaction, checks who may act, writes the case's event and the
 * audit record together, and keeps the cached clock (due date, stage) in step with the events.
 */
import { randomInt } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { type Actor, administersSite, holdsRole, type Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { addWorkdays, type Calendar, type DateStr, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, RequestRow, RequestsTable } from '../../core/db.types.ts';
import { AppError, badInput, conflict, forbidden, notFound } from '../../core/errors.ts';
import { checkUpload } from '../../core/files.ts';
import { maskIdNumber } from '../../core/identity.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { keyedHash, randomCode, sameHash, seal, unseal } from '../../core/secrets.ts';
import { parseInput } from '../../core/validate.ts';
import { updateSiteSettings } from '../admin/admin.service.ts';
import { chineseDate, draftNotice, draftReply, NOTICE_TITLES, type NoticeKind } from './requests.letters.ts';
import {
  allowedOutcomes,
  availableActions,
  type CaseAction,
  type CaseState,
  type Clock,
  ClockError,
  caseStateOf,
  clockEventsOf,
  computeClock,
  type EventRecord,
  FEE_PAYMENT_WORKDAYS,
  feeByCount,
  feeByPages,
  OUTCOMES,
  STAGE_LABELS,
  stageOf,
} from './requests.rules.ts';
import {
  type ApplicationInput,
  actionInputs,
  applicationInput,
  CHANNELS,
  lookupInput,
  registrationInput,
} from './requests.schema.ts';

type Trx = Kysely<DB>;

/** An attachment of the public form (proof of identity): PDF or image only, and small. */
export const APPLICATION_FILE_MAX = 5 * 1024 * 1024;
const APPLICATION_FILE_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

const today = (ctx: Ctx) => shanghaiDate(ctx.now());

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

/** Staff of the handling agency (any role there) and the site's office may see a case. */
export function canSee(p: Principal, r: { site_id: number; agency_id: number }): boolean {
  return administersSite(p, r.site_id) || p.roles.some((x) => x.agencyId === r.agency_id);
}

/** The agency's 信息员 handle it; the office may act on any case of its site. */
function requireHandler(p: Principal, r: { site_id: number; agency_id: number }) {
  if (!administersSite(p, r.site_id) && !holdsRole(p, 'editor', r.agency_id))
    throw forbidden('只有承办机构的信息员或政务公开办可以办理该申请');
}

/** Art. 33: an extension needs the approval of the agency's head of disclosure (审核人) or the office. */
function requireApprover(p: Principal, r: { site_id: number; agency_id: number }) {
  if (!administersSite(p, r.site_id) && !holdsRole(p, 'reviewer', r.agency_id))
    throw forbidden('延期答复须经承办机构审核人或政务公开办批准');
}

const applicantKey = (ctx: Ctx, a: { idNumber: string; orgCode: string }) =>
  keyedHash(dataKey(ctx.config), 'applicant', a.orgCode || a.idNumber);
const codeHash = (ctx: Ctx, trackingNo: string, code: string) =>
  keyedHash(dataKey(ctx.config), 'query-code', `${trackingNo}:${code.trim().toUpperCase()}`);

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

async function agencyOnSite(trx: Trx, siteId: number, agencyId: number) {
  const agency = await trx
    .selectFrom('agencies')
    .select(['id', 'name', 'site_id'])
    .where('id', '=', agencyId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  if (!agency) throw badInput('所选机构不存在', { agencyId: '请选择受理机构' });
  return agency;
}

/** Inserts the case with a fresh tracking number (date + 6 random digits); returns its id and the query code. */
async function insertCase(
  ctx: Ctx,
  trx: Trx,
  values: Omit<Insertable<RequestsTable>, 'tracking_no' | 'query_code_hash'>,
) {
  const code = randomCode(8);
  for (let attempt = 0; attempt < 20; attempt++) {
    const trackingNo = `${today(ctx).replaceAll('-', '')}${String(randomInt(1_000_000)).padStart(6, '0')}`;
    const row = await trx
      .insertInto('requests')
      .values({ ...values, tracking_no: trackingNo, query_code_hash: codeHash(ctx, trackingNo, code) })
      .onConflict((oc) => oc.column('tracking_no').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) return { id: row.id, trackingNo, queryCode: code };
  }
  throw conflict('申请编号生成失败，请重试');
}

async function addEvent(
  trx: Trx,
  actor: Actor,
  requestId: number,
  e: { kind: string; on: DateStr; ref?: string; workdays?: number | null; note?: string; data?: unknown },
) {
  await trx
    .insertInto('request_events')
    .values({
      request_id: requestId,
      kind: e.kind,
      on_date: e.on,
      ref: e.ref ?? '',
      workdays: e.workdays ?? null,
      note: e.note ?? '',
      data: JSON.stringify(e.data ?? {}),
      actor_id: actor.principal?.userId ?? null,
      actor_name: actor.principal?.name ?? '',
    })
    .execute();
}

/** Tells the agency's 信息员 in the back office that a case waits for them. */
async function notifyAgency(trx: Trx, siteId: number, agencyId: number, requestId: number, message: string) {
  const editors = await trx
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select('users.id')
    .where('user_roles.role', '=', 'editor')
    .where('user_roles.agency_id', '=', agencyId)
    .where('users.active', '=', true)
    .execute();
  for (const u of editors)
    await trx
      .insertInto('notifications')
      .values({ site_id: siteId, user_id: u.id, request_id: requestId, kind: `new:${agencyId}`, message })
      .onConflict((oc) => oc.doNothing())
      .execute();
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
  let stored: { hash: string; mime: string } | null = null;
  if (file) {
    const mime = await checkUpload(file.name, file.data, APPLICATION_FILE_MAX);
    if (!APPLICATION_FILE_TYPES.has(mime)) throw badInput('身份证明材料只接受 PDF、JPG 或 PNG 文件');
    stored = { hash: await ctx.files.put(file.data), mime };
  }
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
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
      await trx
        .insertInto('files')
        .values({ hash: stored.hash, size: file.data.length, mime: stored.mime })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx
        .insertInto('request_attachments')
        .values({
          request_id: created.id,
          file_hash: stored.hash,
          filename: file.name.slice(0, 200),
          mime: stored.mime,
          size: file.data.length,
        })
        .execute();
    }
    if (input.email)
      await enqueueMail(trx, {
        siteId,
        to: input.email,
        subject: `政府信息公开申请已提交（申请编号 ${created.trackingNo}）`,
        body: `${input.name}：\n\n您向${agency.name}提出的政府信息公开申请已提交。\n申请编号：${created.trackingNo}\n查询码：${created.queryCode}\n\n受理机构确认收到后开始计算答复期限。您可以凭申请编号和查询码在网站“依申请公开”栏目查询办理进度和答复。请妥善保管查询码。`,
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
  if (!administersSite(p, siteId) && !holdsRole(p, 'editor', input.agencyId))
    throw forbidden('只有该机构的信息员或政务公开办可以登记申请');
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
    await recompute(trx, await loadCalendar(trx), created.id);
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
  const rows = await db
    .selectFrom('request_events')
    .select(['kind', 'on_date', 'ref', 'workdays', 'note'])
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...recordOf(r), note: r.note }));
}

function stateOf(cal: Calendar, r: RequestRow, events: EventRecord[]) {
  return caseStateOf(cal, events, {
    decided: r.outcome !== null,
    replySent: r.reply_sent_on !== null,
    closed: r.closed_at !== null,
  });
}

/** Brings the cached stage and due date of a case in line with its events. */
async function recompute(
  trx: Trx,
  cal: Calendar,
  requestId: number,
): Promise<{ state: CaseState; clock: Clock | null }> {
  const r = await trx.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
  const s = stateOf(cal, r, await eventsOf(trx, requestId));
  await trx
    .updateTable('requests')
    .set({
      stage: stageOf(s.state),
      due_on: s.clock?.due ?? null,
      due_certain: s.clock?.certain ?? true,
      clock_stopped: s.clock?.stopped ?? null,
      updated_at: new Date(),
    })
    .where('id', '=', requestId)
    .execute();
  return s;
}

/** After the calendar changed: every open case's due date again. Returns how many changed. */
export async function recomputeOpenCases(ctx: Ctx, trx: Trx = ctx.db): Promise<number> {
  const cal = await loadCalendar(trx);
  const open = await trx
    .selectFrom('requests')
    .select(['id', 'due_on'])
    .where('stage', 'in', ['handling', 'amendment', 'consultation', 'fee'])
    .execute();
  let changed = 0;
  for (const r of open) {
    const s = await recompute(trx, cal, r.id);
    if ((s.clock?.due ?? null) !== r.due_on) changed++;
  }
  return changed;
}

/** What the applicant is told by e-mail when the case moves, per action. */
function applicantMail(action: CaseAction, r: RequestRow, agency: string, detail: string): string | null {
  const head = `${r.applicant_name}：\n\n您的政府信息公开申请（申请编号 ${r.tracking_no}）`;
  switch (action) {
    case 'confirm_receipt':
      return `${head}已由${agency}确认收到，收到申请日期为${detail}。`;
    case 'request_amendment':
      return `${head}需要补正。${agency}一次性告知需要补正的事项如下：\n${detail}\n\n请在合理期限内补正；无正当理由逾期不补正的，视为放弃申请。`;
    case 'extend':
      return `${head}经批准延长答复期限：${detail}`;
    case 'notify_fee':
      return `${head}需缴纳信息处理费：${detail}\n\n请自收到通知之日起20个工作日内缴纳；逾期未缴纳的，视为放弃申请。`;
    case 'send_reply':
      return `${head}已答复，答复告知书如下：\n\n${detail}`;
    case 'route':
      return `${head}已转由${detail}办理。`;
    default:
      return null;
  }
}

export interface ActionResult {
  /** The case's stage after the action. */
  stage: string;
}

const beforeReceipt = (on: DateStr, receivedOn: DateStr | null) => receivedOn !== null && on < receivedOn;

/** One staff action on a case: checked against the rules of what may happen now, then recorded. */
export async function actOnRequest(
  ctx: Ctx,
  actor: Actor,
  requestId: number,
  action: CaseAction,
  raw: unknown,
): Promise<ActionResult> {
  const p = need(actor);
  const schema = actionInputs[action];
  if (!schema) throw badInput('未知的操作');
  const input = parseInput(schema, raw) as Record<string, unknown>;
  const now = today(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!r || !canSee(p, r)) throw notFound('申请不存在');
    if (action === 'extend') requireApprover(p, r);
    else requireHandler(p, r);
    const cal = await loadCalendar(trx);
    const events = await eventsOf(trx, r.id);
    const { state } = stateOf(cal, r, events);
    if (!availableActions(state).includes(action))
      throw conflict(`该申请当前处于“${STAGE_LABELS[stageOf(state)]}”阶段，不能执行此操作`);
    const on = (input.on ?? input.filedOn ?? now) as DateStr;
    if (on > now) throw badInput('日期不能晚于今天', { on: '日期不能晚于今天' });
    const latest =
      events
        .map((e) => e.on)
        .sort()
        .at(-1) ?? '';
    if (input.on && (beforeReceipt(on, r.received_on) || (action !== 'confirm_receipt' && on < latest)))
      throw badInput('日期不能早于此前已登记的办理环节', { on: '日期早于此前的办理环节' });
    const agency = await trx
      .selectFrom('agencies')
      .select('name')
      .where('id', '=', r.agency_id)
      .executeTakeFirstOrThrow();
    let mailDetail = '';
    const record = (kind: string, extra: { ref?: string; workdays?: number; note?: string; data?: unknown } = {}) =>
      addEvent(trx, actor, r.id, { kind, on, ...extra });

    switch (action) {
      case 'confirm_receipt': {
        const submitted = r.submitted_at ? shanghaiDate(r.submitted_at) : on;
        if (on < submitted) throw badInput('收到申请日期不能早于申请提交日期', { on: '早于提交日期' });
        await record('received', { note: CHANNELS[r.channel].rule });
        await trx
          .updateTable('requests')
          .set({ received_on: on, handler_id: p.userId })
          .where('id', '=', r.id)
          .execute();
        mailDetail = chineseDate(on);
        break;
      }
      case 'route': {
        const target = await agencyOnSite(trx, r.site_id, input.agencyId as number);
        if (target.id === r.agency_id) throw badInput('该申请已由此机构办理', { agencyId: '请选择其他机构' });
        await record('routed', { note: input.note as string, data: { from: r.agency_id, to: target.id } });
        await trx
          .updateTable('requests')
          .set({ agency_id: target.id, handler_id: null })
          .where('id', '=', r.id)
          .execute();
        await notifyAgency(trx, r.site_id, target.id, r.id, `转来政府信息公开申请（${r.tracking_no}）`);
        mailDetail = target.name;
        break;
      }
      case 'request_amendment':
      case 'receive_amendment':
        await record(action === 'request_amendment' ? 'amendment_requested' : 'amendment_received', {
          note: input.note as string,
        });
        mailDetail = input.note as string;
        break;
      case 'send_consultation': {
        const ref = input.ref as string;
        const open = events.filter((e) => e.kind === 'consultation_sent' && e.ref === ref).length;
        const answered = events.filter((e) => e.kind === 'consultation_answered' && e.ref === ref).length;
        if (open > answered) throw badInput(`已向“${ref}”征求意见且尚未答复`, { ref: '该对象的征求意见尚未答复' });
        await record('consultation_sent', { ref, note: input.note as string, data: { party: input.party } });
        break;
      }
      case 'answer_consultation': {
        const ref = input.ref as string;
        const open =
          events.filter((e) => e.kind === 'consultation_sent' && e.ref === ref).length -
          events.filter((e) => e.kind === 'consultation_answered' && e.ref === ref).length;
        if (open <= 0) throw badInput(`没有向“${ref}”发出且尚未答复的征求意见`, { ref: '没有待答复的征求意见' });
        await record('consultation_answered', { ref, note: input.note as string, data: { answer: input.answer } });
        break;
      }
      case 'extend':
        await record('extended', {
          workdays: input.workdays as number,
          note: input.note as string,
          data: { approver: p.name, approverId: p.userId },
        });
        mailDetail = `延长${input.workdays}个工作日。理由：${input.note}`;
        break;
      case 'notify_fee': {
        const amount =
          input.method === 'pages' ? feeByPages(input.pages as number) : feeByCount(await nthThisMonth(trx, r));
        if (amount <= 0) throw badInput('按所选方式计算，本申请不需收费', { method: '本申请不需收费' });
        await record('fee_notified', {
          note: input.note as string,
          data: { method: input.method, pages: input.pages, amount },
        });
        await trx
          .updateTable('requests')
          .set({ fee_method: input.method as 'count' | 'pages', fee_amount: amount })
          .where('id', '=', r.id)
          .execute();
        mailDetail = `${amount} 元（${input.method === 'pages' ? `按页数计收，共 ${input.pages} 页` : '按件计收'}）`;
        break;
      }
      case 'record_fee_paid':
        await record('fee_paid');
        break;
      case 'decide': {
        const outcome = input.outcome as string;
        if (!allowedOutcomes(state).includes(outcome))
          throw badInput('当前阶段不能作出该办理结果', { outcome: '当前阶段不能选择该结果' });
        const publicationId = (input.publicationId as number | null) ?? null;
        let publication: { title: string; url: string } | undefined;
        if (publicationId) {
          if (outcome !== 'granted') throw badInput('只有“予以公开”可以关联已主动公开的信息');
          const pub = await trx
            .selectFrom('publications')
            .innerJoin('editions', 'editions.publication_id', 'publications.id')
            .select(['publications.id', 'editions.title'])
            .where('publications.id', '=', publicationId)
            .where('publications.site_id', '=', r.site_id)
            .where('editions.state', '=', 'published')
            .executeTakeFirst();
          if (!pub) throw badInput('关联的主动公开信息不存在或未发布', { publicationId: '信息不存在或未发布' });
          const site = await trx
            .selectFrom('sites')
            .select('code')
            .where('id', '=', r.site_id)
            .executeTakeFirstOrThrow();
          publication = { title: pub.title, url: `${ctx.config.baseUrl ?? ''}/s/${site.code}/p/${pub.id}` };
        }
        const basis = (input.basis as string) || OUTCOMES.get(outcome)!.basis;
        const eventOn = (kind: string) => events.findLast((e) => e.kind === kind)?.on;
        const letter = draftReply({
          applicant: r.applicant_name,
          trackingNo: r.tracking_no,
          receivedOn: chineseDate(r.received_on!),
          description: r.description,
          agency: agency.name,
          outcome,
          reason: input.reason as string,
          basis,
          amendmentRequestedOn: eventOn('amendment_requested') && chineseDate(eventOn('amendment_requested')!),
          feeNotifiedOn: eventOn('fee_notified') && chineseDate(eventOn('fee_notified')!),
          publication,
          today: chineseDate(on),
        });
        await record('decided', { note: input.reason as string, data: { outcome } });
        await trx
          .updateTable('requests')
          .set({
            outcome,
            outcome_reason: input.reason as string,
            legal_basis: basis,
            disclosed_publication_id: publicationId,
            decided_on: on,
            reply_text: letter,
          })
          .where('id', '=', r.id)
          .execute();
        break;
      }
      case 'send_reply':
        await record('reply_sent', { data: { method: input.method } });
        await trx
          .updateTable('requests')
          .set({ reply_text: input.letter as string, reply_sent_on: on, reply_method: input.method as string })
          .where('id', '=', r.id)
          .execute();
        mailDetail = input.letter as string;
        break;
      case 'close':
        await record('closed', { note: input.note as string });
        await trx.updateTable('requests').set({ closed_at: ctx.now() }).where('id', '=', r.id).execute();
        break;
      case 'add_appeal': {
        const concludedOn = input.concludedOn as DateStr | null;
        if ((input.result === 'pending') !== (concludedOn === null))
          throw badInput(input.result === 'pending' ? '尚未审结的案件不应填写审结日期' : '请填写审结日期', {
            concludedOn: '审结日期与结果不一致',
          });
        if (concludedOn && concludedOn < on)
          throw badInput('审结日期不能早于申请复议或起诉日期', { concludedOn: '早于起诉日期' });
        await trx
          .insertInto('request_appeals')
          .values({
            request_id: r.id,
            kind: input.kind as 'reconsideration',
            filed_on: on,
            result: input.result as 'pending',
            concluded_on: concludedOn,
            note: input.note as string,
          })
          .execute();
        await record('appeal', { note: input.note as string, data: { kind: input.kind, result: input.result } });
        break;
      }
    }
    let after: { state: CaseState; clock: Clock | null };
    try {
      after = await recompute(trx, cal, r.id);
    } catch (e) {
      if (e instanceof ClockError) throw badInput(e.message);
      throw e;
    }
    const mail = r.email && applicantMail(action, r, agency.name, mailDetail);
    if (mail)
      await enqueueMail(trx, {
        siteId: r.site_id,
        to: r.email,
        subject: `政府信息公开申请办理进度（申请编号 ${r.tracking_no}）`,
        body: mail,
      });
    await audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: `request.${action}`,
      entityType: 'request',
      entityId: r.id,
      after: { on, ...(action === 'decide' ? { outcome: input.outcome } : {}) },
    });
    return { stage: stageOf(after.state) };
  });
}

/** The position of this request among the applicant's requests received in the same calendar month. */
async function nthThisMonth(trx: Trx, r: RequestRow): Promise<number> {
  const month = r.received_on!.slice(0, 7);
  const earlier = await trx
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
  return Number(earlier.n) + 1;
}

/** A case as its handler sees it, personal data included; the view is audited. */
export async function openCase(ctx: Ctx, actor: Actor, requestId: number) {
  const p = need(actor);
  const r = await ctx.db.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!r || !canSee(p, r)) throw notFound('申请不存在');
  const cal = await loadCalendar(ctx.db);
  const events = await ctx.db
    .selectFrom('request_events')
    .selectAll()
    .where('request_id', '=', r.id)
    .orderBy('id')
    .execute();
  const s = stateOf(cal, r, events.map(recordOf));
  const [agency, attachments, appeals, agencies] = await Promise.all([
    ctx.db.selectFrom('agencies').select(['id', 'name']).where('id', '=', r.agency_id).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('request_attachments').selectAll().where('request_id', '=', r.id).execute(),
    ctx.db.selectFrom('request_appeals').selectAll().where('request_id', '=', r.id).orderBy('id').execute(),
    ctx.db.selectFrom('agencies').select(['id', 'name']).where('site_id', '=', r.site_id).orderBy('sort').execute(),
  ]);
  await ctx.db.transaction().execute((trx) =>
    audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.view_personal_data',
      entityType: 'request',
      entityId: r.id,
    }),
  );
  const actions = availableActions(s.state).filter((a) =>
    a === 'extend'
      ? administersSite(p, r.site_id) || holdsRole(p, 'reviewer', r.agency_id)
      : administersSite(p, r.site_id) || holdsRole(p, 'editor', r.agency_id),
  );
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
  const r = await ctx.db
    .selectFrom('requests')
    .select(['id', 'site_id', 'agency_id'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!r || !canSee(p, r)) throw notFound('申请不存在');
  const a = await ctx.db
    .selectFrom('request_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('request_id', '=', r.id)
    .executeTakeFirst();
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
    const r = await trx.selectFrom('requests').selectAll().where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (!r || !canSee(p, r)) throw notFound('申请不存在');
    requireHandler(p, r);
    const code = randomCode(8);
    await trx
      .updateTable('requests')
      .set({ query_code_hash: codeHash(ctx, r.tracking_no, code) })
      .where('id', '=', r.id)
      .execute();
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
export async function lookupCase(ctx: Ctx, siteId: number, raw: unknown) {
  const input = parseInput(lookupInput, raw);
  const r = await ctx.db
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
    .where('requests.tracking_no', '=', input.trackingNo.trim())
    .executeTakeFirst();
  // the same answer for an unknown number and a wrong code
  if (!r || !sameHash(r.query_code_hash, codeHash(ctx, r.tracking_no, input.queryCode)))
    throw notFound('申请编号或查询码不正确');
  // while the agency waits for the applicant: what to do, and by when
  let waiting: { kind: 'amendment' | 'fee'; what: string; by: DateStr | null } | null = null;
  if (r.stage === 'amendment' || r.stage === 'fee') {
    const events = await eventsOf(ctx.db, r.id);
    const clock = computeClock(await loadCalendar(ctx.db), clockEventsOf(events));
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
  await ctx.db
    .updateTable('notifications')
    .set({ read_at: ctx.now() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .execute();
}
