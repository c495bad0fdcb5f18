import { z } from 'zod';
import { id, optionalDate, pageParam, text } from '../../core/validate.ts';
import { optional } from './interaction.letters.schema.ts';

const requiredDate = (label: string) => optionalDate(label).pipe(z.string({ error: `请填写${label}` }));

/** A survey's heading as staff write it (its questions are read by questionsFromForm). */
export const surveyInput = z.object({
  agencyId: id,
  title: text('调查标题', 100, 4),
  intro: optional('调查说明', 5000),
  opensOn: requiredDate('开始日期'),
  closesOn: requiredDate('结束日期'),
});

export const withdrawSurveyInput = z.object({ reason: text('撤回理由', 500, 2) });
export const surveyListQuery = z.object({ page: pageParam });
