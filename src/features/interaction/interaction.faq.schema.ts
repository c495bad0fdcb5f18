import { z } from 'zod';
import { pageParam, text } from '../../core/validate.ts';
import { optional, optionalId } from './interaction.letters.schema.ts';

/** A knowledge-base entry, as staff write it. */
export const faqInput = z.object({
  agencyId: optionalId,
  topic: optional('分类', 20),
  question: text('问题', 100, 4),
  answer: text('答复', 5000, 10),
});

/** The public list's filters; a value that makes no sense is dropped. */
export const faqListQuery = z.object({
  topic: z.string().trim().max(20).optional().catch(undefined),
  agency: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  page: pageParam,
});

/** The staff list's filters. */
export const staffFaqQuery = z.object({
  state: z.enum(['published', 'draft', '']).catch('').default(''),
  q: z.string().trim().max(50).optional().catch(undefined),
  page: pageParam,
});
