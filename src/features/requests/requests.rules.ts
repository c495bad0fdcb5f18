/**
 * The statutory clock of 依申请公开 (RULES.md §1) and the fee scales (国办函〔2020〕109号): pure functions of a
 * case's dated events and the working-day calendar.
 */
import { addWorkdays, type Calendar, type DateStr, isKnownYear, workdaysBetween } from '../../core/calendar.ts';

/** Art. 33: the answer limit, and the most an approved extension may add. */
export const ANSWER_WORKDAYS = 20;
export const MAX_EXTENSION_WORKDAYS = 20;
/** Art. 30: the amendment notice is due within 7 working days of receipt. */
export const AMENDMENT_NOTICE_WORKDAYS = 7;
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
