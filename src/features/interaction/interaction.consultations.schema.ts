import { z } from 'zod';
import { checkbox, id, optionalDate, pageParam, text } from '../../core/validate.ts';
import { ADOPTIONS } from './interaction.consultations.rules.ts';
import { optional, optionalId } from './interaction.letters.schema.ts';

const requiredDate = (label: string) => optionalDate(label).pipe(z.string({ error: `请填写${label}` }));

/** A consultation as staff write it: the draft as text (its 第X条 become the articles). */
export const consultationInput = z.object({
  agencyId: id,
  title: text('标题', 100, 4),
  draft: text('征求意见稿', 50_000, 20),
  explanation: optional('起草说明', 10_000),
  opensOn: requiredDate('开始日期'),
  closesOn: requiredDate('截止日期'),
  shortReason: optional('期限少于30日的理由', 500),
  contactRequired: checkbox.default(false),
});
export type ConsultationInput = z.output<typeof consultationInput>;

/** A resident's comment: on the whole draft or on one article. */
export const commentInput = z.object({
  articleId: optionalId,
  content: text('意见内容', 2000, 5),
  name: optional('姓名', 30),
  contact: optional('联系方式', 100),
});

export const moderateInput = z.object({
  show: z.enum(['1', '0'], { error: '请选择显示或不显示' }),
  reason: optional('不予显示的理由', 200),
});

export const adoptionInput = z.object({
  adoption: z.enum(Object.keys(ADOPTIONS) as [keyof typeof ADOPTIONS], { error: '请选择采纳情况' }),
  reason: optional('理由', 1000),
});

export const resultInput = z.object({ result: text('征求意见情况说明', 10_000, 10) });
export const policyInput = z.object({ policyId: id });
export const withdrawInput = z.object({ reason: text('撤回理由', 500, 2) });

export const consultationListQuery = z.object({ page: pageParam });
