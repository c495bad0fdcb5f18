/**
 * The demo's 意见征集: one draft open for comment now (comments shown and one waiting for moderation), and one closed
 * two months ago whose result is published — what was adopted and why not — with the policy finally adopted linked.
 */
import type { Actor } from '../core/access.ts';
import { addDays, shanghaiDate } from '../core/calendar.ts';
import type { Ctx } from '../core/context.ts';
import {
  decideComment,
  linkPolicy,
  moderateComment,
  publishConsultation,
  publishResult,
  registerComment,
  saveConsultation,
} from '../features/interaction/interaction.consultations.service.ts';

const DOGS = `青山县城区养犬管理办法（征求意见稿）
第一章 总则
第一条 为了规范养犬行为，保障公民人身健康和安全，维护市容环境和社会公共秩序，根据《中华人民共和国动物防疫法》等法律法规，结合本县实际，制定本办法。
第二条 本办法适用于本县城区范围内的养犬及其相关管理活动。
第三条 县公安局是养犬管理的主管部门，负责养犬登记、违法养犬行为的查处等工作。县农业农村局、县城市管理局等部门按照各自职责做好养犬管理工作。
第二章 养犬登记
第四条 城区实行养犬登记制度。养犬人应当自取得犬只之日起三十日内，携带犬只免疫证明到县公安局办理养犬登记。
第五条 每户限养一只犬。禁止饲养烈性犬、大型犬。
第三章 养犬行为规范
第六条 携犬出户时，应当为犬只束犬链（绳），由完全民事行为能力人牵领，并主动避让行人和车辆。
第七条 犬只在公共场所排泄粪便的，携犬人应当立即清除。
第四章 附则
第八条 本办法自2027年3月1日起施行。`;

const PARKING = `青山县城区道路停车收费管理规定（征求意见稿）
第一条 为了规范城区道路停车秩序，提高停车泊位周转率，制定本规定。
第二条 城区道路停车泊位实行分时段差别化收费，白天（8:00—20:00）首小时内2元，超过1小时每小时3元。
第三条 夜间（20:00—次日8:00）道路停车泊位免费。
第四条 新能源汽车首次停放2小时内免费。
第五条 本规定自公布之日起施行。`;

export async function loadDemoConsultations(
  ctx: Ctx,
  siteId: number,
  staff: { office: Actor; editor: Actor },
  agencyIds: number[],
  policyId: number | null,
): Promise<void> {
  const { office, editor } = staff;
  // days from now, as a step's own clock
  const on = (days: number) => ({ ...ctx, now: () => new Date(ctx.now().getTime() + days * 86_400_000) });
  const day = (days: number) => addDays(shanghaiDate(ctx.now()), days);

  // closed, with its result: opened 75 days ago for 30 days
  const parking = await saveConsultation(on(-80), editor, siteId, null, {
    agencyId: String(agencyIds[12]),
    title: '关于《青山县城区道路停车收费管理规定（征求意见稿）》公开征求意见的公告',
    draft: PARKING,
    explanation:
      '为缓解城区停车难问题，县交通运输局会同有关部门起草了本规定。主要内容包括分时段差别化收费、夜间免费和新能源汽车优惠。',
    opensOn: day(-75),
    closesOn: day(-46),
  });
  await publishConsultation(on(-76), office, parking);
  const comments: [number | null, string, string][] = [
    [1, '建议首小时免费，方便群众临时办事。', '王**'],
    [2, '夜间免费很好，老城区居民晚上停车难的问题能缓解。', '李先生'],
    [3, '新能源汽车免费时长建议延长到3小时。', ''],
    [null, '建议在医院、学校周边增加临时停车位。', '陈女士'],
  ];
  const articles = await ctx.db
    .selectFrom('consultation_articles')
    .select(['id', 'position'])
    .where('consultation_id', '=', parking)
    .orderBy('position')
    .execute();
  const ids: number[] = [];
  for (const [i, [article, content, name]] of comments.entries()) {
    const articleId = article ? articles.find((a) => a.position === article + 1)?.id : undefined;
    ids.push(
      await registerComment(on(-70 + i * 5), editor, parking, {
        articleId: articleId ? String(articleId) : '',
        content,
        name,
        contact: '',
      }),
    );
  }
  for (const id of ids) await moderateComment(on(-45), editor, parking, id, { show: '1' });
  const decisions = [
    { adoption: 'partly', reason: '首15分钟免费，兼顾临时停车需要和泊位周转。' },
    { adoption: 'adopted', reason: '' },
    { adoption: 'not_adopted', reason: '新能源汽车免费时长与周边县市保持一致，暂不延长。' },
    { adoption: 'adopted', reason: '' },
  ];
  for (const [i, id] of ids.entries()) await decideComment(on(-40), editor, parking, id, decisions[i]);
  await publishResult(on(-35), office, parking, {
    result:
      '征求意见期间共收到意见4条，采纳2条，部分采纳1条，未采纳1条。采纳的主要意见：保留夜间免费，在医院、学校周边增设临时停车泊位；部分采纳：白天首15分钟免费。未采纳的意见及理由已在每条意见下说明。',
  });
  if (policyId !== null) await linkPolicy(on(-30), office, parking, { policyId: String(policyId) });

  // open now: opened 10 days ago for 30 days, two comments shown and one waiting for moderation
  const dogs = await saveConsultation(on(-12), editor, siteId, null, {
    agencyId: String(agencyIds[4]),
    title: '关于《青山县城区养犬管理办法（征求意见稿）》公开征求意见的公告',
    draft: DOGS,
    explanation:
      '近年来城区养犬数量增加，犬只伤人、扰民和污染环境等问题时有发生。为规范养犬行为，县公安局起草了本办法，现公开征求社会各界意见。',
    opensOn: day(-10),
    closesOn: day(19),
    contactRequired: '',
  });
  await publishConsultation(on(-11), office, dogs);
  const dogArticles = await ctx.db
    .selectFrom('consultation_articles')
    .select(['id', 'heading'])
    .where('consultation_id', '=', dogs)
    .orderBy('position')
    .execute();
  const shown = [
    await registerComment(on(-8), editor, dogs, {
      articleId: String(dogArticles[4].id),
      content: '“每户限养一只”过严，建议改为每户限养两只。',
      name: '赵先生',
      contact: '',
    }),
    await registerComment(on(-5), editor, dogs, {
      articleId: '',
      content: '建议明确小区内犬只粪便清理的监督责任。',
      name: '',
      contact: '',
    }),
  ];
  for (const id of shown) await moderateComment(on(-4), editor, dogs, id, { show: '1' });
  await registerComment(on(-1), editor, dogs, {
    articleId: String(dogArticles[5].id),
    content: '遛狗必须拴绳，希望严格执法。',
    name: '孙女士',
    contact: '13900001234',
  });
}
