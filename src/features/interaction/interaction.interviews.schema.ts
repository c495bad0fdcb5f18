import { z } from 'zod';
import { id, pageParam, text } from '../../core/validate.ts';
import { beijingTime } from './interaction.interviews.rules.ts';
import { optional } from './interaction.letters.schema.ts';

const time = (label: string) =>
  z.string({ error: `请填写${label}` }).transform((v, c) => {
    const d = beijingTime(v.trim());
    if (!d) c.addIssue({ code: 'custom', message: `${label}不是有效的时间` });
    return d as Date;
  });

/** An interview as staff announce it: its guests one a line (姓名｜职务). */
export const interviewInput = z.object({
  agencyId: id,
  title: text('访谈主题', 100, 4),
  intro: optional('访谈简介', 5000),
  startsAt: time('开始时间'),
  endsAt: time('结束时间'),
  guests: optional('嘉宾', 2000),
});

/** One post of the live stream: who says it (the host, or guest n) and what. */
export const postInput = z.object({
  speaker: z.string().regex(/^(host|g\d{1,2})$/, { error: '请选择发言人' }),
  content: text('内容', 5000, 1),
});

/** A resident's question, before or during the interview. */
export const askInput = z.object({
  content: text('问题内容', 1000, 5),
  name: optional('称呼', 30),
});

export const moderateQuestionInput = z.object({
  show: z.enum(['1', '0'], { error: '请选择采用或不采用' }),
  reason: optional('不予采用的理由', 200),
});

export const summaryInput = z.object({
  summary: text('访谈摘要', 10_000, 10),
  videoUrl: optional('视频地址', 500).refine((v) => v === '' || /^https?:\/\/[^\s<>"]+$/.test(v), {
    error: '视频地址须以 http:// 或 https:// 开头',
  }),
});

export const photoInput = z.object({ guest: z.coerce.number().int().min(0).max(20) });
export const withdrawInterviewInput = z.object({ reason: text('撤回理由', 500, 2) });
export const interviewListQuery = z.object({ page: pageParam });
export const liveQuery = z.object({
  after: z.coerce.number().int().min(0).max(2_147_483_647).catch(0).default(0),
});
