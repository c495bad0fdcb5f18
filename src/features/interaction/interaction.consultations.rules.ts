/**
 * 意见征集 (public comment on drafts): how a draft is split into its articles, how long it must be open, where a
 * consultation stands on a given day, and when its result is due. Pure: no I/O.
 */
import { addDays, addWorkdays, type Calendar, type DateStr } from '../../core/calendar.ts';

/** A draft is open for comment at least this many days, unless a reason is given (RULES.md §7). */
export const MIN_OPEN_DAYS = 30;
/** The result is due this many working days after the consultation closes, unless the site sets its own. */
export const DEFAULT_RESULT_DAYS = 15;
export const CONSULTATION_PAGE = 20;

export interface DraftArticle {
  /** The chapter it is in (第一章 总则), or ''. */
  chapter: string;
  /** 第一条 */
  heading: string;
  body: string;
}

const ARTICLE = /^\s*(第[一二三四五六七八九十百千零〇两\d]+条)[\s\u3000]*(.*)$/;
const CHAPTER = /^\s*(第[一二三四五六七八九十百千零〇两\d]+[章节])[\s\u3000]*(.*)$/;

/**
 * The draft's articles (第X条, with the chapter each is in) and what comes before the first of them. A draft that
 * has no 第X条 is one text: it is commented on as a whole.
 */
export function splitDraft(draft: string): { preamble: string; articles: DraftArticle[] } {
  const articles: DraftArticle[] = [];
  const preamble: string[] = [];
  let chapter = '';
  for (const raw of draft.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const c = CHAPTER.exec(line);
    const a = ARTICLE.exec(line);
    if (c && !a) chapter = `${c[1]}${c[2] ? ` ${c[2].trim()}` : ''}`;
    else if (a) articles.push({ chapter, heading: a[1], body: a[2].trim() });
    else if (articles.length) articles[articles.length - 1].body += `\n${line}`;
    else preamble.push(line);
  }
  return { preamble: preamble.join('\n'), articles };
}

/** Days from the first to the last day of the period, both counted. */
export const openDays = (opensOn: DateStr, closesOn: DateStr) =>
  Math.round((Date.parse(closesOn) - Date.parse(opensOn)) / 86_400_000) + 1;

/** Why a period cannot be used: it ends before it starts, or it is short of 30 days without a reason. */
export function periodProblem(opensOn: DateStr, closesOn: DateStr, shortReason: string): string | null {
  if (closesOn < opensOn) return '截止日期不能早于开始日期';
  if (openDays(opensOn, closesOn) < MIN_OPEN_DAYS && shortReason.trim().length < 5)
    return `征求意见期限一般不少于 ${MIN_OPEN_DAYS} 日；期限更短的，请说明理由`;
  return null;
}

/** The period a new consultation is offered: from tomorrow, for 30 days. */
export function defaultPeriod(today: DateStr): { opensOn: DateStr; closesOn: DateStr } {
  const opensOn = addDays(today, 1);
  return { opensOn, closesOn: addDays(opensOn, MIN_OPEN_DAYS - 1) };
}

/** When the result of a consultation closing on `closesOn` is due. */
export const resultDue = (cal: Calendar, closesOn: DateStr, days: number) => addWorkdays(cal, closesOn, days);

export type Stage = 'draft' | 'upcoming' | 'open' | 'closed' | 'result' | 'withdrawn';

export const STAGE_LABELS: Record<Stage, string> = {
  draft: '未发布',
  upcoming: '即将开始',
  open: '征集中',
  closed: '已截止，待公布结果',
  result: '已公布结果',
  withdrawn: '已撤回',
};

/** Where a consultation stands on `today` (Asia/Shanghai). */
export function stageOf(
  c: {
    published_at: Date | null;
    opens_on: DateStr;
    closes_on: DateStr;
    result_published_at: Date | null;
    withdrawn_reason: string;
  },
  today: DateStr,
): Stage {
  if (c.withdrawn_reason) return 'withdrawn';
  if (!c.published_at) return 'draft';
  if (c.result_published_at) return 'result';
  if (today < c.opens_on) return 'upcoming';
  if (today <= c.closes_on) return 'open';
  return 'closed';
}

export const ADOPTIONS = { adopted: '采纳', partly: '部分采纳', not_adopted: '未采纳' } as const;
export type Adoption = keyof typeof ADOPTIONS;

/** What the result says of the comments: how many came, how many were adopted, partly or not. */
export function adoptionCounts(comments: { state: string; adoption: Adoption | null }[]) {
  const counted = comments.filter((c) => c.state !== 'hidden');
  const n = (a: Adoption) => counted.filter((c) => c.adoption === a).length;
  return {
    received: counted.length,
    adopted: n('adopted'),
    partly: n('partly'),
    notAdopted: n('not_adopted'),
    undecided: counted.filter((c) => c.adoption === null).length,
  };
}

/** Why the result cannot be published yet: the consultation is still open, or comments are undecided. */
export function resultProblem(stage: Stage, undecided: number, pending: number): string | null {
  if (stage !== 'closed') return stage === 'result' ? '结果已公布' : '征求意见期限届满后才能公布结果';
  if (pending) return `还有 ${pending} 条意见未审核`;
  if (undecided) return `还有 ${undecided} 条意见未标明是否采纳`;
  return null;
}
