/**
 * The statutory clock of 依申请公开 (RULES.md §1) and the fee scales (国办函〔2020〕109号): pure functions of a
 * case's dated events and the working-day calendar.
 */
import { addWorkdays, type Calendar, type DateStr, isKnownYear, workdaysBetween } from '../../core/calendar.ts';
import type { RequestStage } from '../../core/db.types.ts';

/** Art. 33: the answer limit, and the most an approved extension may add. */
export const ANSWER_WORKDAYS = 20;
export const MAX_EXTENSION_WORKDAYS = 20;
/** Art. 30: the amendment notice is due within 7 working days of receipt. */
export const AMENDMENT_NOTICE_WORKDAYS = 7;
/**
 * Art. 30 asks the applicant to amend within a reasonable period, which the amendment notice states: Gongkai's notice
 * gives 15 working days; after that an unamended application may be treated as abandoned.
 */
export const AMENDMENT_REPLY_WORKDAYS = 15;
/** Art. 32, 34: a consulted third party or agency answers within 15 working days. */
export const CONSULTATION_WORKDAYS = 15;
/** 国办函〔2020〕109号: the fee is paid within 20 working days of the notice. */
export const FEE_PAYMENT_WORKDAYS = 20;

/** The dated events of a case that move its clock (calendar dates in Asia/Shanghai). */
export type ClockEvent =
  | { kind: 'received'; on: DateStr }
  | { kind: 'amendment_requested'; on: DateStr }
  | { kind: 'amendment_received'; on: DateStr }
  | { kind: 'consultation_sent'; on: DateStr; ref: string }
  | { kind: 'consultation_answered'; on: DateStr; ref: string }
  | { kind: 'fee_notified'; on: DateStr }
  | { kind: 'fee_paid'; on: DateStr }
  | { kind: 'extended'; on: DateStr; workdays: number };

/** A stretch of time not counted in the limit: the working days after `from` up to and including `to`. */
export interface Pause {
  reason: 'consultation' | 'fee';
  from: DateStr;
  /** null while it lasts. */
  to: DateStr | null;
}

export interface Clock {
  /** The day the clock runs from: receipt, or the receipt of the amended application. */
  start: DateStr;
  /** The answer is due on this day; null while the clock is stopped (amendment awaited, or a pause open). */
  due: DateStr | null;
  /** False when the walk crossed a year without a holiday schedule: the date is only a guess. */
  certain: boolean;
  /** Why the clock is stopped, if it is. */
  stopped: 'amendment' | 'consultation' | 'fee' | null;
  /** Working days the limit has: 20 plus an approved extension. */
  limit: number;
  pauses: Pause[];
  /** Art. 30: while no amendment was asked, the notice must go out by this day. */
  amendmentNoticeDue: DateStr | null;
  /** Each open consultation's answer date (15 working days from sending). */
  consultationsDue: { ref: string; due: DateStr }[];
  /** The fee must be paid by this day, or the request counts as abandoned. */
  feeDue: DateStr | null;
  /** While an amendment is awaited: the day the notice's period ends. */
  amendmentDue: DateStr | null;
}

export class ClockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClockError';
  }
}

const byDate = (a: ClockEvent, b: ClockEvent) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0);

/** The working days from `start` (not counted) that count towards the limit, skipping paused days. */
function walk(cal: Calendar, start: DateStr, n: number, pauses: Pause[]): { date: DateStr; certain: boolean } {
  const paused = (d: DateStr) => pauses.some((p) => d > p.from && p.to !== null && d <= p.to);
  let d = start;
  let certain = true;
  let left = n;
  while (left > 0) {
    const next = addWorkdays(cal, d, 1);
    d = next.date;
    if (!next.certain) certain = false;
    if (!paused(d)) left--;
  }
  return { date: d, certain };
}

/** Computes the clock of a case from its events; refuses event sequences the law does not allow. */
export function computeClock(cal: Calendar, events: ClockEvent[]): Clock {
  const list = [...events].sort(byDate);
  const receipts = list.filter((e) => e.kind === 'received');
  if (!receipts.length) throw new ClockError('申请尚未登记收到日期');
  if (receipts.length > 1) throw new ClockError('收到申请日期只能登记一次');
  const received = receipts[0];
  let start = received.on;
  let awaitingAmendment = false;
  let amendmentAsked = false;
  let amendmentAskedOn: DateStr | null = null;
  let extension = 0;
  const pauses: Pause[] = [];
  const openConsultations = new Map<string, DateStr>();
  let fee: Pause | null = null;
  for (const e of list) {
    if (e.on < received.on) throw new ClockError('事件日期早于收到申请日期');
    switch (e.kind) {
      case 'amendment_requested':
        if (amendmentAsked) throw new ClockError('补正只能要求一次');
        amendmentAsked = true;
        amendmentAskedOn = e.on;
        awaitingAmendment = true;
        break;
      case 'amendment_received':
        if (!awaitingAmendment) throw new ClockError('尚未要求补正');
        awaitingAmendment = false;
        // Art. 30: the clock restarts from the receipt of the amended application
        start = e.on;
        break;
      case 'consultation_sent':
        if (openConsultations.has(e.ref)) throw new ClockError('该征求意见尚未答复，不能重复发出');
        openConsultations.set(e.ref, e.on);
        pauses.push({ reason: 'consultation', from: e.on, to: null });
        break;
      case 'consultation_answered': {
        const from = openConsultations.get(e.ref);
        if (from === undefined) throw new ClockError('没有对应的征求意见');
        openConsultations.delete(e.ref);
        const p = pauses.find((x) => x.reason === 'consultation' && x.from === from && x.to === null);
        if (p) p.to = e.on;
        break;
      }
      case 'fee_notified':
        if (fee) throw new ClockError('收费通知只能发出一次');
        fee = { reason: 'fee', from: e.on, to: null };
        pauses.push(fee);
        break;
      case 'fee_paid':
        if (!fee || fee.to !== null) throw new ClockError('没有待缴纳的收费通知');
        fee.to = e.on;
        break;
      case 'extended':
        if (!Number.isInteger(e.workdays) || e.workdays < 1) throw new ClockError('延期天数须为正整数');
        extension += e.workdays;
        if (extension > MAX_EXTENSION_WORKDAYS)
          throw new ClockError(`延长答复期限最长不得超过${MAX_EXTENSION_WORKDAYS}个工作日`);
        break;
    }
  }
  const limit = ANSWER_WORKDAYS + extension;
  const open = pauses.find((p) => p.to === null);
  const stopped = awaitingAmendment ? 'amendment' : open ? open.reason : null;
  const answer = stopped ? null : walk(cal, start, limit, pauses);
  const due = (from: DateStr, n: number) => addWorkdays(cal, from, n);
  const certainOf = [answer?.certain ?? isKnownYear(cal, start)];
  const amendmentNotice = amendmentAsked ? null : due(received.on, AMENDMENT_NOTICE_WORKDAYS);
  if (amendmentNotice) certainOf.push(amendmentNotice.certain);
  const consultationsDue = [...openConsultations].map(([ref, from]) => {
    const d = due(from, CONSULTATION_WORKDAYS);
    certainOf.push(d.certain);
    return { ref, due: d.date };
  });
  const feeDue = fee && fee.to === null ? due(fee.from, FEE_PAYMENT_WORKDAYS) : null;
  if (feeDue) certainOf.push(feeDue.certain);
  const amendmentDue = awaitingAmendment && amendmentAskedOn ? due(amendmentAskedOn, AMENDMENT_REPLY_WORKDAYS) : null;
  if (amendmentDue) certainOf.push(amendmentDue.certain);
  return {
    start,
    due: answer?.date ?? null,
    certain: certainOf.every(Boolean),
    stopped,
    limit,
    pauses,
    amendmentNoticeDue: amendmentNotice?.date ?? null,
    consultationsDue,
    feeDue: feeDue?.date ?? null,
    amendmentDue: amendmentDue?.date ?? null,
  };
}

/** Working days left until `due` as seen on `today`: negative when overdue, 0 on the due day. */
export function workdaysLeft(cal: Calendar, today: DateStr, due: DateStr): number {
  return today <= due ? workdaysBetween(cal, today, due) : -workdaysBetween(cal, due, today);
}

/**
 * 信息处理费 by count: the fee for an applicant's n-th request in one calendar month. Up to 10 free; the 11th to
 * 30th 100 元 each; from the 31st, every further 10 raise the rate by 100 元.
 */
export function feeByCount(nth: number): number {
  if (!Number.isInteger(nth) || nth < 1) throw new ClockError('申请件数须为正整数');
  if (nth <= 10) return 0;
  if (nth <= 30) return 100;
  return 100 * (2 + Math.floor((nth - 31) / 10));
}

/** 信息处理费 by pages, by bracket as the notice sets it: the part of 31–100 pages at 10 元, 101–200 at 20 元, beyond at 40 元. */
export function feeByPages(pages: number): number {
  if (!Number.isInteger(pages) || pages < 0) throw new ClockError('页数须为非负整数');
  const part = (lo: number, hi: number) => Math.max(0, Math.min(pages, hi) - lo);
  return part(30, 100) * 10 + part(100, 200) * 20 + part(200, Number.POSITIVE_INFINITY) * 40;
}

/** The decision's outcome: exactly the sub-rows of Table 三 of the annual report (RULES.md §3, 2021 format). */
export interface Outcome {
  code: string;
  /** The sub-row label, verbatim. */
  label: string;
  /** The provision the reply letter cites by default (staff may change it). */
  basis: string;
}
export interface OutcomeGroup {
  key: 'granted' | 'partial' | 'refused' | 'unavailable' | 'not_processed' | 'other';
  label: string;
  outcomes: Outcome[];
}

const REG = '《中华人民共和国政府信息公开条例》';
export const OUTCOME_GROUPS: OutcomeGroup[] = [
  {
    key: 'granted',
    label: '（一）予以公开',
    outcomes: [{ code: 'granted', label: '予以公开', basis: `${REG}第三十六条第（二）项` }],
  },
  {
    key: 'partial',
    label: '（二）部分公开（区分处理的，只计这一情形，不计其他情形）',
    outcomes: [{ code: 'partial', label: '部分公开', basis: `${REG}第三十七条` }],
  },
  {
    key: 'refused',
    label: '（三）不予公开',
    outcomes: [
      { code: 'refused_secret', label: '1.属于国家秘密', basis: `${REG}第十四条` },
      { code: 'refused_law', label: '2.其他法律行政法规禁止公开', basis: `${REG}第十四条` },
      { code: 'refused_security', label: '3.危及“三安全一稳定”', basis: `${REG}第十四条` },
      { code: 'refused_third_party', label: '4.保护第三方合法权益', basis: `${REG}第十五条、第三十二条` },
      { code: 'refused_internal', label: '5.属于三类内部事务信息', basis: `${REG}第十六条第一款` },
      { code: 'refused_process', label: '6.属于四类过程性信息', basis: `${REG}第十六条第二款` },
      { code: 'refused_enforcement', label: '7.属于行政执法案卷', basis: `${REG}第十六条第二款` },
      { code: 'refused_query', label: '8.属于行政查询事项', basis: `${REG}第三十六条第（七）项` },
    ],
  },
  {
    key: 'unavailable',
    label: '（四）无法提供',
    outcomes: [
      { code: 'unavailable_not_held', label: '1.本机关不掌握相关政府信息', basis: `${REG}第三十六条第（四）项` },
      { code: 'unavailable_to_create', label: '2.没有现成信息需要另行制作', basis: `${REG}第三十八条` },
      { code: 'unavailable_unclear', label: '3.补正后申请内容仍不明确', basis: `${REG}第三十条` },
    ],
  },
  {
    key: 'not_processed',
    label: '（五）不予处理',
    outcomes: [
      { code: 'rejected_petition', label: '1.信访举报投诉类申请', basis: `${REG}第三十九条第一款` },
      { code: 'rejected_repeat', label: '2.重复申请', basis: `${REG}第三十六条第（六）项` },
      { code: 'rejected_publication', label: '3.要求提供公开出版物', basis: `${REG}第三十九条第二款` },
      { code: 'rejected_excessive', label: '4.无正当理由大量反复申请', basis: `${REG}第三十五条` },
      {
        code: 'rejected_confirmation',
        label: '5.要求行政机关确认或重新出具已获取信息',
        basis: `${REG}第三十八条`,
      },
    ],
  },
  {
    key: 'other',
    label: '（六）其他处理',
    outcomes: [
      {
        code: 'other_no_amendment',
        label: '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
        basis: `${REG}第三十条`,
      },
      {
        code: 'other_no_fee',
        label: '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
        basis: '《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）',
      },
      { code: 'other', label: '3.其他', basis: '' },
    ],
  },
];

export const OUTCOMES = new Map(
  OUTCOME_GROUPS.flatMap((g) => g.outcomes.map((o) => [o.code, { ...o, group: g.key, groupLabel: g.label }] as const)),
);

/** How a case stands, as far as the rules of what may happen next need to know. */
export interface CaseState {
  received: boolean;
  /** The clock's stop reason, from `computeClock`. */
  stopped: Clock['stopped'];
  amendmentAsked: boolean;
  amendmentReceived: boolean;
  openConsultations: number;
  feeNotified: boolean;
  /** Working days of extension already approved. */
  extension: number;
  decided: boolean;
  replySent: boolean;
  closed: boolean;
}

export const STAGE_LABELS: Record<RequestStage, string> = {
  awaiting_receipt: '待确认收到',
  handling: '办理中',
  amendment: '等待补正',
  consultation: '征求意见中',
  fee: '等待缴费',
  decided: '已作出决定',
  replied: '已答复',
  closed: '已办结',
};

export function stageOf(s: CaseState): RequestStage {
  if (s.closed) return 'closed';
  if (s.replySent) return 'replied';
  if (s.decided) return 'decided';
  if (!s.received) return 'awaiting_receipt';
  return s.stopped ?? 'handling';
}

export type CaseAction =
  | 'confirm_receipt'
  | 'route'
  | 'request_amendment'
  | 'receive_amendment'
  | 'send_consultation'
  | 'answer_consultation'
  | 'extend'
  | 'notify_fee'
  | 'record_fee_paid'
  | 'decide'
  | 'send_reply'
  | 'close'
  | 'add_appeal';

/** What may happen next; the service refuses everything else. */
export function availableActions(s: CaseState): CaseAction[] {
  const stage = stageOf(s);
  const a: CaseAction[] = [];
  if (stage === 'awaiting_receipt') a.push('confirm_receipt', 'route');
  if (stage === 'handling') {
    a.push('route');
    if (!s.amendmentAsked) a.push('request_amendment');
    a.push('send_consultation');
    if (!s.feeNotified) a.push('notify_fee');
    a.push('decide');
  }
  if (stage === 'amendment') a.push('receive_amendment', 'decide');
  if (stage === 'consultation') a.push('send_consultation', 'answer_consultation');
  if (stage === 'fee') a.push('record_fee_paid', 'decide');
  if (['handling', 'consultation', 'fee'].includes(stage) && s.extension < MAX_EXTENSION_WORKDAYS) a.push('extend');
  if (stage === 'decided') a.push('decide', 'send_reply');
  if (stage === 'replied') a.push('close');
  if (stage === 'replied' || stage === 'closed') a.push('add_appeal');
  return a;
}

/** The outcomes a decision may record at this point: abandonment only while its wait lasts, 补正后仍不明确 only after an amendment. */
export function allowedOutcomes(s: CaseState): string[] {
  const stage = stageOf(s);
  if (stage === 'amendment') return ['other_no_amendment', 'other'];
  if (stage === 'fee') return ['other_no_fee', 'other'];
  return [...OUTCOMES.keys()].filter(
    (c) => c !== 'other_no_amendment' && c !== 'other_no_fee' && (c !== 'unavailable_unclear' || s.amendmentReceived),
  );
}

/** A case's event as stored: the clock's kinds and the others (submitted, routed, decided …). */
export interface EventRecord {
  kind: string;
  on: DateStr;
  ref: string;
  workdays: number | null;
}

const CLOCK_KINDS = new Set<ClockEvent['kind']>([
  'received',
  'amendment_requested',
  'amendment_received',
  'consultation_sent',
  'consultation_answered',
  'fee_notified',
  'fee_paid',
  'extended',
]);

export function clockEventsOf(events: EventRecord[]): ClockEvent[] {
  return events
    .filter((e) => CLOCK_KINDS.has(e.kind as ClockEvent['kind']))
    .map((e) => ({ kind: e.kind, on: e.on, ref: e.ref, workdays: e.workdays ?? 0 }) as ClockEvent);
}

/** The state and clock of a case from its events and whether it was decided, answered and closed. */
export function caseStateOf(
  cal: Calendar,
  events: EventRecord[],
  done: { decided: boolean; replySent: boolean; closed: boolean },
): { state: CaseState; clock: Clock | null } {
  const has = (kind: string) => events.some((e) => e.kind === kind);
  const received = has('received');
  const clock = received ? computeClock(cal, clockEventsOf(events)) : null;
  const sent = events.filter((e) => e.kind === 'consultation_sent').length;
  const answered = events.filter((e) => e.kind === 'consultation_answered').length;
  return {
    clock,
    state: {
      received,
      stopped: clock?.stopped ?? null,
      amendmentAsked: has('amendment_requested'),
      amendmentReceived: has('amendment_received'),
      openConsultations: sent - answered,
      feeNotified: has('fee_notified'),
      extension: events.filter((e) => e.kind === 'extended').reduce((n, e) => n + (e.workdays ?? 0), 0),
      ...done,
    },
  };
}

/** The stages of a case still in progress. */
export const OPEN_STAGES = [
  'awaiting_receipt',
  'handling',
  'amendment',
  'consultation',
  'fee',
  'decided',
] as const satisfies readonly RequestStage[];

export const isOpenStage = (stage: RequestStage): boolean => (OPEN_STAGES as readonly RequestStage[]).includes(stage);
export const CASE_PAGE = 50;

/** Working days left at which a case counts as due soon, unless the site sets its own thresholds. */
export const DEFAULT_REMINDER_WORKDAYS = [5, 2, 0];

export function reminderThresholds(settings: unknown): number[] {
  const v = (settings as { reminderWorkdays?: unknown } | null)?.reminderWorkdays;
  return Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0 && n <= 20) && v.length
    ? [...new Set(v as number[])].sort((a, b) => b - a)
    : DEFAULT_REMINDER_WORKDAYS;
}
