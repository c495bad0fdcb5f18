/**
 * The leader's mailbox (领导信箱 / 我要写信), RULES.md §7: the kinds of letter and their reply deadlines in working days,
 * the steps a letter goes through and who-may-do-what's raw material, and the statistics the national website norms
 * ask to be published (政府网站发展指引, 国办发〔2017〕47号). Pure: no I/O.
 */
import { addWorkdays, type Calendar, type DateStr } from '../../core/calendar.ts';
import type { LetterKind, LetterRating, LetterState } from '../../core/db.types.ts';

/** Letters on a page of the back office's list. */
export const LETTER_PAGE = 30;

export const LETTER_KINDS: Record<LetterKind, string> = {
  consult: '咨询',
  suggest: '建议',
  complain: '投诉',
  help: '求助',
  other: '其他',
};

/** Working days to answer, counted from assignment, where the site sets none of its own (RULES.md §7). */
export const DEFAULT_LETTER_DAYS: Record<LetterKind, number> = {
  consult: 5,
  suggest: 10,
  complain: 15,
  help: 10,
  other: 10,
};

export const LETTER_STATES: Record<LetterState, string> = {
  triage: '待分办',
  handling: '办理中',
  review: '答复待审核',
  replied: '已答复',
  closed: '已办结',
};

export const RATINGS: Record<LetterRating, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };

/** Why a letter is closed without a reply: kept and counted, never deleted. */
export const CLOSE_KINDS = { duplicate: '重复来信', abusive: '恶意或辱骂来信', invalid: '无实质内容' } as const;
export type CloseKind = keyof typeof CLOSE_KINDS;

/** The deadline of each kind on this site: the site's own days where it set them, the defaults otherwise. */
export function letterDays(kind: LetterKind, siteDays: Record<string, number>): number {
  return siteDays[kind] ?? DEFAULT_LETTER_DAYS[kind];
}

export interface LetterClock {
  /** The day the clock started: assignment, a transfer or a reopening. */
  startedOn: DateStr;
  kind: LetterKind;
  /** Working days added by the extension (0 without one). */
  extensionDays: number;
}

/**
 * The last day to answer: the kind's working days after the start (the start day itself not counted, as for
 * requests), plus the extension. `certain` is false while a year's holidays are not yet published.
 */
export function letterDue(cal: Calendar, c: LetterClock, siteDays: Record<string, number>) {
  return addWorkdays(cal, c.startedOn, letterDays(c.kind, siteDays) + c.extensionDays);
}

/** The extension: once, with a reason, of at most the kind's own deadline again. */
export function extensionProblem(c: LetterClock, days: number, siteDays: Record<string, number>): string | null {
  if (c.extensionDays > 0) return '每件来信只能延期一次';
  const most = letterDays(c.kind, siteDays);
  if (!Number.isInteger(days) || days < 1 || days > most) return `延期天数应为 1 至 ${most} 个工作日`;
  return null;
}

export type LetterAction =
  | 'assign'
  | 'transfer'
  | 'extend'
  | 'draft'
  | 'reply'
  | 'approve'
  | 'return'
  | 'close'
  | 'publish'
  | 'unpublish';

export const ACTION_LABELS: Record<LetterAction, string> = {
  assign: '分办',
  transfer: '转办',
  extend: '延期',
  draft: '保存答复草稿',
  reply: '答复',
  approve: '审核通过并发送答复',
  return: '退回修改答复',
  close: '办结（不予答复）',
  publish: '公开来信',
  unpublish: '撤销公开',
};

interface LetterFacts {
  state: LetterState;
  extensionDays: number;
  consent: boolean;
  published: boolean;
  /** Whether the site reviews replies before they are sent. */
  reviewed: boolean;
}

/** What the letter's state allows, whoever asks (the policy then keeps those the member may take). */
export function letterActions(l: LetterFacts): LetterAction[] {
  switch (l.state) {
    case 'triage':
      return ['assign', 'close'];
    case 'handling':
      return ['transfer', ...(l.extensionDays === 0 ? (['extend'] as const) : []), 'draft', 'reply', 'close'];
    case 'review':
      return ['approve', 'return'];
    case 'replied':
      return l.published ? ['unpublish'] : l.consent ? ['publish'] : [];
    case 'closed':
      return [];
  }
}

/** The state a reply takes the letter to: straight to the writer, or to review first where the site wants it. */
export const stateAfterReply = (reviewed: boolean): LetterState => (reviewed ? 'review' : 'replied');

/** The writer may rate a replied letter once; an unsatisfied rating may reopen it, once. */
export function ratingProblem(l: { state: LetterState; rating: LetterRating | null }): string | null {
  if (l.state !== 'replied') return '来信尚未答复，暂不能评价';
  if (l.rating) return '您已评价过这件来信';
  return null;
}

export const mayReopen = (l: { rating: LetterRating | null; reopened: boolean }) =>
  l.rating === 'unsatisfied' && !l.reopened;

/** The name a published letter shows: the family name and 先生/女士 at most (RULES.md §7) — here, 张** . */
export function publicWriter(name: string): string {
  const chars = [...name.trim()];
  if (!chars.length) return '网友';
  return `${chars[0]}${'*'.repeat(Math.max(1, Math.min(chars.length - 1, 2)))}`;
}

/** The counts behind one row of the statistics (a mailbox or an agency, a month or a year). */
export interface LetterCounts {
  received: number;
  answered: number;
  onTime: number;
  /** Sum of the calendar days from receipt to reply of the answered letters. */
  answerDays: number;
  rated: number;
  satisfied: number;
  basic: number;
}

export interface LetterFigures extends LetterCounts {
  /** 办复率: answered of received, in per cent (null without letters). */
  answerRate: number | null;
  onTimeRate: number | null;
  /** 平均办理天数. */
  averageDays: number | null;
  /** 满意率: satisfied and basically satisfied of those rated. */
  satisfaction: number | null;
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

/** The published figures of a row of counts. */
export function letterFigures(c: LetterCounts): LetterFigures {
  return {
    ...c,
    answerRate: percent(c.answered, c.received),
    onTimeRate: percent(c.onTime, c.answered),
    averageDays: c.answered ? Math.round((c.answerDays / c.answered) * 10) / 10 : null,
    satisfaction: percent(c.satisfied + c.basic, c.rated),
  };
}

/** Sums rows of counts (the months of a year, the agencies of a site). */
export function sumCounts(rows: LetterCounts[]): LetterCounts {
  const total: LetterCounts = { received: 0, answered: 0, onTime: 0, answerDays: 0, rated: 0, satisfied: 0, basic: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof LetterCounts)[]) total[k] += r[k];
  return total;
}
