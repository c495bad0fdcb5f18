/**
 * The demo's 网上调查: one closed with its results published (answers gathered online and on paper, here entered as
 * paper questionnaires), and one open now whose results are not yet public.
 */
import type { Actor } from '../core/access.ts';
import { addDays, shanghaiDate } from '../core/calendar.ts';
import type { Ctx } from '../core/context.ts';
import {
  publishSurvey,
  publishSurveyResults,
  registerResponse,
  saveSurvey,
} from '../features/interaction/interaction.surveys.service.ts';

const BUS = {
  count: '5',
  q1_kind: 'single',
  q1_prompt: '您居住在哪个乡镇（街道）？',
  q1_required: 'on',
  q1_options: '城关镇\n青溪镇\n石门乡\n其他',
  q2_kind: 'multiple',
  q2_prompt: '您平时主要的出行方式有哪些？',
  q2_required: 'on',
  q2_options: '公交车\n电动自行车\n私家车\n步行',
  q3_kind: 'rating',
  q3_prompt: '您对城区公交服务的总体评价',
  q3_required: 'on',
  q4_kind: 'matrix',
  q4_prompt: '请评价城区公交的以下方面',
  q4_required: 'on',
  q4_options: '满意\n基本满意\n不满意',
  q4_rows: '准点情况\n车辆整洁\n线路覆盖\n司机服务',
  q5_kind: 'text',
  q5_prompt: '您对改进城区公交服务还有哪些建议？',
  q5_required: 'off',
};

const IDEAS = [
  '希望增加到县医院的线路。',
  '早晚高峰班次太少，等车时间长。',
  '建议开通到石门乡的城乡公交。',
  '站台缺少遮雨棚。',
  '希望公交车能用手机扫码支付。',
];

/** A fixed sequence of choices, so the demo's results are the same every time. */
function chooser(seed: number) {
  let x = seed;
  return (weights: number[]) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    let r = (x / 2147483648) * weights.reduce((a, b) => a + b, 0);
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) return i;
    }
    return weights.length - 1;
  };
}

/** The answer fields of a survey's questions, in order (`a<id>`). */
const questionIds = async (ctx: Ctx, surveyId: number) =>
  (
    await ctx.db
      .selectFrom('survey_questions')
      .select('id')
      .where('survey_id', '=', surveyId)
      .orderBy('position')
      .execute()
  ).map((r) => `a${r.id}`);

export async function loadDemoSurveys(
  ctx: Ctx,
  siteId: number,
  staff: { office: Actor; editor: Actor },
  agencyIds: number[],
): Promise<{ responses: number }> {
  const { office, editor } = staff;
  const on = (days: number) => ({ ...ctx, now: () => new Date(ctx.now().getTime() + days * 86_400_000) });
  const day = (days: number) => addDays(shanghaiDate(ctx.now()), days);

  // closed ten days ago after a month, its results published
  const bus = await saveSurvey(on(-45), editor, siteId, null, {
    agencyId: String(agencyIds[12]),
    title: '城区公共交通服务满意度调查',
    intro:
      '为了解群众对城区公交服务的评价和需求，改进公交线路和服务，县交通运输局开展本次调查。调查结果将作为优化公交线路的依据。',
    opensOn: day(-40),
    closesOn: day(-10),
    ...BUS,
  });
  await publishSurvey(on(-41), office, bus);
  // the form's fields are named by the questions' ids
  const q = await questionIds(ctx, bus);
  const pick = chooser(7);
  const n = 160;
  for (let i = 0; i < n; i++) {
    const modes = [0, 1, 2, 3].filter(
      (m) =>
        pick(
          [
            [5, 5],
            [4, 6],
            [3, 7],
            [6, 4],
          ][m],
        ) === 0,
    );
    await registerResponse(on(-40 + (30 * i) / n), editor, bus, {
      [q[0]]: String(pick([6, 2, 1, 1])),
      [q[1]]: modes.length ? modes.map(String) : ['0'],
      [q[2]]: String(1 + pick([1, 2, 5, 8, 4])),
      [`${q[3]}_0`]: String(pick([3, 5, 2])),
      [`${q[3]}_1`]: String(pick([6, 3, 1])),
      [`${q[3]}_2`]: String(pick([2, 4, 4])),
      [`${q[3]}_3`]: String(pick([7, 2, 1])),
      [q[4]]: i % 9 === 0 ? IDEAS[(i / 9) % IDEAS.length] : '',
    });
  }
  await publishSurveyResults(on(-8), office, bus);

  // open now, for three weeks more; results not yet public
  const projects = await saveSurvey(on(-8), editor, siteId, null, {
    agencyId: String(agencyIds[2]),
    title: '2027年县政府民生实事项目征集调查',
    intro: '县政府每年办好一批民生实事。请您选出最希望明年办理的事项，并提出您的建议。',
    opensOn: day(-7),
    closesOn: day(21),
    count: '2',
    q1_kind: 'multiple',
    q1_prompt: '您最希望明年办理的民生实事（可多选）',
    q1_required: 'on',
    q1_options: '新建和改扩建幼儿园\n老旧小区改造\n城区停车场建设\n农村饮水安全提升\n社区养老服务中心',
    q2_kind: 'text',
    q2_prompt: '您的其他建议',
    q2_required: 'off',
  });
  await publishSurvey(on(-7), office, projects);
  const [wish] = await questionIds(ctx, projects);
  for (let i = 0; i < 24; i++)
    await registerResponse(on(-6 + i / 5), editor, projects, {
      [wish]: [...new Set([String(i % 5), String((i * 3) % 5)])],
    });
  return { responses: n + 24 };
}
