import { z } from 'zod';
import { checkbox, id, text } from '../../core/validate.ts';
import { CLOSE_KINDS, LETTER_KINDS, RATINGS } from './interaction.letters.rules.ts';

const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
const choice = <T extends object>(o: T, label: string) => z.enum(keysOf(o), { error: `请选择${label}` });
export const optional = (label: string, max: number) => text(label, max).default('');
export const optionalId = z.preprocess(
  (v) => (v === '' || v === undefined || v === null ? undefined : v),
  id.optional(),
);

/** A resident's letter, as the public form gives it. */
export const letterInput = z
  .object({
    kind: choice(LETTER_KINDS, '来信类型'),
    agencyId: optionalId,
    title: text('标题', 60, 4),
    content: text('来信内容', 3000, 10),
    name: text('姓名', 30, 1),
    phone: optional('联系电话', 20).pipe(
      z.string().regex(/^([0-9+\-() ]{7,20})?$/, '联系电话只能包含数字、+、- 和括号，7 至 20 位'),
    ),
    email: optional('电子邮箱', 100).pipe(z.union([z.literal(''), z.email('电子邮箱格式不正确')])),
    consent: checkbox.default(false),
  })
  .superRefine((l, ctx) => {
    if (!l.phone && !l.email)
      ctx.addIssue({ code: 'custom', path: ['phone'], message: '请至少填写联系电话或电子邮箱中的一项，以便答复' });
  });
export type LetterInput = z.output<typeof letterInput>;

export const lookupInput = z.object({
  trackingNo: text('信件编号', 40, 1),
  queryCode: text('查询码', 20, 1),
});

export const rateInput = lookupInput.extend({
  rating: choice(RATINGS, '评价'),
  comment: optional('评价意见', 500),
  reopen: checkbox.default(false),
});

/** Each staff action's fields. */
export const actionInputs = {
  assign: z.object({ agencyId: id }),
  transfer: z.object({ agencyId: id, reason: text('转办理由', 500, 2) }),
  extend: z.object({
    days: z.coerce.number({ error: '请填写延期天数' }).int('延期天数应为整数'),
    reason: text('延期理由', 500, 2),
  }),
  draft: z.object({ reply: text('答复内容', 5000) }),
  reply: z.object({ reply: text('答复内容', 5000, 5) }),
  approve: z.object({}),
  return: z.object({ reason: text('退回理由', 500, 2) }),
  close: z.object({
    closedKind: choice(CLOSE_KINDS, '办结原因'),
    reason: text('说明', 500, 2),
    mergedInto: optional('重复的信件编号', 40),
  }),
  publish: z.object({
    title: text('公开标题', 60, 4),
    content: text('公开内容', 3000, 10),
    reply: text('公开的答复', 5000, 5),
  }),
  unpublish: z.object({ reason: text('撤销理由', 500, 2) }),
} as const;

export const cannedInput = z.object({ title: text('标题', 60, 2), body: text('答复内容', 5000, 5) });

export const mailboxInput = z.object({
  name: text('信箱名称', 30, 2),
  slug: text('地址代码', 30, 2).pipe(z.string().regex(/^[a-z0-9-]+$/, '地址代码只能包含小写字母、数字和连字符')),
  agencyId: optionalId,
  intro: optional('说明', 1000),
});

const days = (label: string) =>
  z.coerce
    .number({ error: `${label}应为数字` })
    .int(`${label}应为整数`)
    .min(1, `${label}至少 1 个工作日`)
    .max(60, `${label}不能超过 60 个工作日`);

/** The office's settings of the mailbox and of consultations. */
export const letterSettingsInput = z.object({
  days_consult: days(`${LETTER_KINDS.consult}类来信的答复期限`),
  days_suggest: days(`${LETTER_KINDS.suggest}类来信的答复期限`),
  days_complain: days(`${LETTER_KINDS.complain}类来信的答复期限`),
  days_help: days(`${LETTER_KINDS.help}类来信的答复期限`),
  days_other: days(`${LETTER_KINDS.other}类来信的答复期限`),
  review: checkbox.default(false),
  resultDays: days('公布征求意见结果的期限'),
});
