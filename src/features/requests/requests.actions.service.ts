/**
 * The staff's actions on a case (受理, 转办, 补正, 征求意见, 延期, 收费, 决定, 答复, 办结, 复议诉讼): one use case that
 * checks who may act and whether the case's state allows the action, then one typed handler per action that
 * records it, and finally the clock, the applicant's e-mail and the audit record — all in one transaction.
 */
import type { Kysely } from 'kysely';
import type { Actor, Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { type DateStr, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, MailFile, RequestRow } from '../../core/db.types.ts';
import { badInput, conflict, notFound } from '../../core/errors.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { parseInput } from '../../core/validate.ts';
import { publishedItem } from '../catalog/catalog.facts.service.ts';
import { replyMailFiles } from './requests.files.service.ts';
import { chineseDate, draftReply } from './requests.letters.ts';
import { canSee, requireActor } from './requests.policy.ts';
import {
  allowedOutcomes,
  availableActions,
  type CaseAction,
  type CaseState,
  type Clock,
  ClockError,
  type EventRecord,
  feeByCount,
  feeByPages,
  OUTCOMES,
  STAGE_LABELS,
  stageOf,
} from './requests.rules.ts';
import { actionInputs, type CaseActionInput, CHANNELS, caseActionInput } from './requests.schema.ts';
import { addEvent, agencyOnSite, eventsOf, need, notifyAgency, recompute, stateOf, today } from './requests.service.ts';
import { type EventValues, earlierInMonth, insertAppeal, lockCase, updateCase } from './requests.store.ts';

export interface ActionResult {
  /** The case's stage after the action. */
  stage: string;
  /** The reply letter drafted by a decision, for staff to check before it is sent. */
  letter?: string;
}

/** What a handler works on: the locked case, its events and state, the action's date and the agency's name. */
interface Step {
  ctx: Ctx;
  trx: Kysely<DB>;
  p: Principal;
  r: RequestRow;
  events: (EventRecord & { note: string })[];
  state: CaseState;
  on: DateStr;
  agency: string;
  /** Records the step on the action's date. */
  record: (kind: string, extra?: Omit<EventValues, 'kind' | 'on'>) => Promise<void>;
  /** Set by a decision: the reply letter it drafted. */
  letter?: string;
  /** Set by the reply's delivery: the disclosed files its e-mail carries. */
  mailFiles?: MailFile[];
}

/** A handler records its action and returns what the applicant's e-mail says of it (nothing: no e-mail). */
type Handler<A extends CaseAction> = (
  s: Step,
  input: Extract<CaseActionInput, { action: A }>,
) => Promise<string | undefined>;

const openConsultations = (events: Step['events'], ref: string) =>
  events.filter((e) => e.kind === 'consultation_sent' && e.ref === ref).length -
  events.filter((e) => e.kind === 'consultation_answered' && e.ref === ref).length;

const handlers: { [A in CaseAction]: Handler<A> } = {
  async confirm_receipt({ trx, p, r, on, record }) {
    const submitted = r.submitted_at ? shanghaiDate(r.submitted_at) : on;
    if (on < submitted) throw badInput('收到申请日期不能早于申请提交日期', { on: '早于提交日期' });
    await record('received', { note: CHANNELS[r.channel].rule });
    await updateCase(trx, r.id, { received_on: on, handler_id: p.userId });
    return chineseDate(on);
  },

  async route({ trx, r, record }, input) {
    const target = await agencyOnSite(trx, r.site_id, input.agencyId);
    if (target.id === r.agency_id) throw badInput('该申请已由此机构办理', { agencyId: '请选择其他机构' });
    await record('routed', { note: input.note, data: { from: r.agency_id, to: target.id } });
    await updateCase(trx, r.id, { agency_id: target.id, handler_id: null });
    await notifyAgency(trx, r.site_id, target.id, r.id, `转来政府信息公开申请（${r.tracking_no}）`);
    return target.name;
  },

  async request_amendment({ record }, input) {
    await record('amendment_requested', { note: input.note });
    return input.note;
  },

  async receive_amendment({ record }, input) {
    await record('amendment_received', { note: input.note });
    return undefined;
  },

  async send_consultation({ events, record }, input) {
    if (openConsultations(events, input.ref) > 0)
      throw badInput(`已向“${input.ref}”征求意见且尚未答复`, { ref: '该对象的征求意见尚未答复' });
    await record('consultation_sent', { ref: input.ref, note: input.note, data: { party: input.party } });
    return undefined;
  },

  async answer_consultation({ events, record }, input) {
    if (openConsultations(events, input.ref) <= 0)
      throw badInput(`没有向“${input.ref}”发出且尚未答复的征求意见`, { ref: '没有待答复的征求意见' });
    await record('consultation_answered', { ref: input.ref, note: input.note, data: { answer: input.answer } });
    return undefined;
  },

  async extend({ p, record }, input) {
    await record('extended', {
      workdays: input.workdays,
      note: input.note,
      data: { approver: p.name, approverId: p.userId },
    });
    return `延长${input.workdays}个工作日。理由：${input.note}`;
  },

  async notify_fee({ trx, r, record }, input) {
    const amount = input.method === 'pages' ? feeByPages(input.pages) : feeByCount((await earlierInMonth(trx, r)) + 1);
    if (amount <= 0) throw badInput('按所选方式计算，本申请不需收费', { method: '本申请不需收费' });
    await record('fee_notified', { note: input.note, data: { method: input.method, pages: input.pages, amount } });
    await updateCase(trx, r.id, { fee_method: input.method, fee_amount: amount });
    return `${amount} 元（${input.method === 'pages' ? `按页数计收，共 ${input.pages} 页` : '按件计收'}）`;
  },

  async record_fee_paid({ record }) {
    await record('fee_paid');
    return undefined;
  },

  async decide(step, input) {
    const { ctx, trx, r, events, state, on, agency, record } = step;
    if (!allowedOutcomes(state).includes(input.outcome))
      throw badInput('当前阶段不能作出该办理结果', { outcome: '当前阶段不能选择该结果' });
    let publication: { title: string; url: string } | undefined;
    if (input.publicationId) {
      if (input.outcome !== 'granted') throw badInput('只有“予以公开”可以关联已主动公开的信息');
      const pub = await publishedItem(trx, r.site_id, input.publicationId);
      if (!pub) throw badInput('关联的主动公开信息不存在或未发布', { publicationId: '信息不存在或未发布' });
      publication = { title: pub.title, url: `${ctx.config.baseUrl ?? ''}/s/${pub.siteCode}/p/${pub.id}` };
    }
    const basis = input.basis || OUTCOMES.get(input.outcome)!.basis;
    const eventOn = (kind: string) => events.findLast((e) => e.kind === kind)?.on;
    const letter = draftReply({
      applicant: r.applicant_name,
      trackingNo: r.tracking_no,
      receivedOn: chineseDate(r.received_on!),
      description: r.description,
      agency,
      outcome: input.outcome,
      reason: input.reason,
      basis,
      amendmentRequestedOn: eventOn('amendment_requested') && chineseDate(eventOn('amendment_requested')!),
      feeNotifiedOn: eventOn('fee_notified') && chineseDate(eventOn('fee_notified')!),
      publication,
      today: chineseDate(on),
    });
    await record('decided', { note: input.reason, data: { outcome: input.outcome } });
    await updateCase(trx, r.id, {
      outcome: input.outcome,
      outcome_reason: input.reason,
      legal_basis: basis,
      disclosed_publication_id: input.publicationId,
      decided_on: on,
      reply_text: letter,
    });
    step.letter = letter;
    return undefined;
  },

  async send_reply(step, input) {
    const { trx, r, on, record } = step;
    const files = await replyMailFiles(trx, r.id);
    await record('reply_sent', { data: { method: input.method } });
    await updateCase(trx, r.id, { reply_text: input.letter, reply_sent_on: on, reply_method: input.method });
    step.mailFiles = files.files;
    return input.letter + files.text;
  },

  async close({ ctx, trx, r, record }, input) {
    await record('closed', { note: input.note });
    await updateCase(trx, r.id, { closed_at: ctx.now() });
    return undefined;
  },

  async add_appeal({ trx, r, on, record }, input) {
    if ((input.result === 'pending') !== (input.concludedOn === null))
      throw badInput(input.result === 'pending' ? '尚未审结的案件不应填写审结日期' : '请填写审结日期', {
        concludedOn: '审结日期与结果不一致',
      });
    if (input.concludedOn && input.concludedOn < on)
      throw badInput('审结日期不能早于申请复议或起诉日期', { concludedOn: '早于起诉日期' });
    await insertAppeal(trx, {
      request_id: r.id,
      kind: input.kind,
      filed_on: on,
      result: input.result,
      concluded_on: input.concludedOn,
      note: input.note,
    });
    await record('appeal', { note: input.note, data: { kind: input.kind, result: input.result } });
    return undefined;
  },
};

/** What the applicant is told by e-mail when the case moves, per action (only these actions write). */
const MAIL: Partial<Record<CaseAction, (head: string, agency: string, detail: string) => string>> = {
  confirm_receipt: (head, agency, d) => `${head}已由${agency}确认收到，收到申请日期为${d}。`,
  request_amendment: (head, agency, d) =>
    `${head}需要补正。${agency}一次性告知需要补正的事项如下：\n${d}\n\n请在合理期限内补正；无正当理由逾期不补正的，视为放弃申请。`,
  extend: (head, _agency, d) => `${head}经批准延长答复期限：${d}`,
  notify_fee: (head, _agency, d) =>
    `${head}需缴纳信息处理费：${d}\n\n请自收到通知之日起20个工作日内缴纳；逾期未缴纳的，视为放弃申请。`,
  send_reply: (head, _agency, d) => `${head}已答复，答复告知书如下：\n\n${d}`,
  route: (head, _agency, d) => `${head}已转由${d}办理。`,
};

/** The date an action happens on: the one given (`on`, or `filedOn` of an appeal), else today. */
function dateGiven(input: CaseActionInput): DateStr | undefined {
  if ('on' in input) return input.on;
  if ('filedOn' in input) return input.filedOn;
  return undefined;
}

const isAction = (a: string): a is CaseAction => Object.hasOwn(actionInputs, a);

/** Runs the handler of the input's action, with the input typed as that action's. */
function dispatch<A extends CaseAction>(step: Step, input: Extract<CaseActionInput, { action: A }>) {
  const handler: Handler<A> = handlers[input.action];
  return handler(step, input);
}

/** One staff action on a case: checked against the rules of what may happen now, then recorded. */
export async function actOnRequest(
  ctx: Ctx,
  actor: Actor,
  requestId: number,
  action: CaseAction,
  raw: unknown,
): Promise<ActionResult> {
  const p = need(actor);
  if (!isAction(action)) throw badInput('未知的操作');
  const input = parseInput(caseActionInput, { ...(raw && typeof raw === 'object' ? raw : {}), action });
  const now = today(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await lockCase(trx, requestId);
    if (!r || !canSee(p, r)) throw notFound('申请不存在');
    requireActor(p, r, action);
    const cal = await loadCalendar(trx, r.site_id);
    const events = await eventsOf(trx, r.id);
    const { state } = stateOf(cal, r, events);
    if (!availableActions(state).includes(action))
      throw conflict(`该申请当前处于“${STAGE_LABELS[stageOf(state)]}”阶段，不能执行此操作`);
    const given = dateGiven(input);
    const on = given ?? now;
    if (on > now) throw badInput('日期不能晚于今天', { on: '日期不能晚于今天' });
    const latest =
      events
        .map((e) => e.on)
        .sort()
        .at(-1) ?? '';
    const beforeReceipt = r.received_on !== null && on < r.received_on;
    if ('on' in input && (beforeReceipt || (action !== 'confirm_receipt' && on < latest)))
      throw badInput('日期不能早于此前已登记的办理环节', { on: '日期早于此前的办理环节' });
    const agency = (await agencyOnSite(trx, r.site_id, r.agency_id)).name;
    const step: Step = {
      ctx,
      trx,
      p,
      r,
      events,
      state,
      on,
      agency,
      record: (kind, extra = {}) => addEvent(trx, actor, r.id, { kind, on, ...extra }),
    };
    const detail = await dispatch(step, input);
    let after: { state: CaseState; clock: Clock | null };
    try {
      after = await recompute(trx, cal, r.id);
    } catch (e) {
      if (e instanceof ClockError) throw badInput(e.message);
      throw e;
    }
    const mail = MAIL[action];
    if (r.email && mail)
      await enqueueMail(trx, {
        siteId: r.site_id,
        to: r.email,
        subject: `政府信息公开申请办理进度（申请编号 ${r.tracking_no}）`,
        body: mail(`${r.applicant_name}：\n\n您的政府信息公开申请（申请编号 ${r.tracking_no}）`, agency, detail ?? ''),
        attachments: step.mailFiles,
      });
    await audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: `request.${action}`,
      entityType: 'request',
      entityId: r.id,
      after: {
        on,
        ...('outcome' in input
          ? { outcome: input.outcome, outcomeText: OUTCOMES.get(input.outcome)?.label ?? input.outcome }
          : {}),
      },
    });
    return { stage: stageOf(after.state), ...(step.letter ? { letter: step.letter } : {}) };
  });
}
