/**
 * 在线访谈 (online interviews): where an interview stands, its guests as staff write them, and who speaks in its
 * stream. Pure: no I/O.
 */
import type { InterviewRole } from '../../core/db.types.ts';

export type InterviewStage = 'draft' | 'announced' | 'live' | 'ended' | 'withdrawn';

export const INTERVIEW_STAGES: Record<InterviewStage, string> = {
  draft: '未发布',
  announced: '预告',
  live: '正在直播',
  ended: '已结束',
  withdrawn: '已撤回',
};

export const INTERVIEW_PAGE = 20;
export const MAX_GUESTS = 10;
/** How many posts a stream sends at once when a reader joins or catches up. */
export const POSTS_AT_ONCE = 500;

export const ROLE_LABELS: Record<InterviewRole, string> = { host: '主持人', guest: '嘉宾', resident: '网友' };

/** Where an interview stands: announced once published, live from its start until it is ended. */
export function interviewStage(i: {
  published_at: Date | null;
  live_at: Date | null;
  ended_at: Date | null;
  withdrawn_reason: string;
}): InterviewStage {
  if (i.withdrawn_reason) return 'withdrawn';
  if (!i.published_at) return 'draft';
  if (i.ended_at) return 'ended';
  return i.live_at ? 'live' : 'announced';
}

/** Residents may send questions from the announcement until the interview ends. */
export const takesQuestions = (stage: InterviewStage) => stage === 'announced' || stage === 'live';

export interface Guest {
  name: string;
  /** 职务, e.g. 县教育局局长 */
  title: string;
  /** The photo's file hash. */
  photo: string | null;
}

/**
 * The guests as staff type them, one a line: 姓名｜职务 (or a space, a comma, a tab between). A guest already there
 * keeps the photo uploaded for them.
 */
export function guestsFromText(text: string, previous: Guest[]): { guests: Guest[]; error?: string } {
  const guests: Guest[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l) continue;
    const m = /^([^|｜,，\t ]+)[|｜,，\t ]+(.+)$/.exec(l);
    const name = (m ? m[1] : l).trim();
    const title = (m ? m[2] : '').trim();
    if (name.length > 30 || title.length > 60) return { guests, error: '嘉宾姓名最多 30 字，职务最多 60 字' };
    guests.push({ name, title, photo: previous.find((g) => g.name === name)?.photo ?? null });
  }
  if (guests.length > MAX_GUESTS) return { guests, error: `嘉宾最多 ${MAX_GUESTS} 位` };
  if (new Set(guests.map((g) => g.name)).size !== guests.length) return { guests, error: '嘉宾姓名不能重复' };
  return { guests };
}

export const guestsText = (guests: Guest[]) =>
  guests.map((g) => (g.title ? `${g.name}｜${g.title}` : g.name)).join('\n');

/** A time as the form's datetime-local field gives it (Beijing time, no zone), or null when it is not one. */
export function beijingTime(v: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  const d = new Date(`${v}:00+08:00`);
  // a day the month does not have (02-30) rolls over: refused by reading the time back
  return Number.isNaN(d.getTime()) || forTimeField(d) !== v ? null : d;
}

/** A time shown for the datetime-local field (Beijing time). */
export const forTimeField = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
