/**
 * The demo's 在线访谈: one held three weeks ago with its transcript, summary and video, and one announced for next week
 * taking residents' questions.
 */
import type { Actor } from '../core/access.ts';
import { addDays, shanghaiDate } from '../core/calendar.ts';
import type { Ctx } from '../core/context.ts';
import { beijingTime } from '../features/interaction/interaction.interviews.rules.ts';
import {
  endInterview,
  moderateQuestion,
  postToStream,
  publishInterview,
  putQuestion,
  registerQuestion,
  saveInterview,
  saveSummary,
  startInterview,
} from '../features/interaction/interaction.interviews.service.ts';

/** The stream of the past interview: who speaks (host, g0, g1 or a question's index) and what. */
const TRANSCRIPT: [string | number, string][] = [
  [
    'host',
    '各位网友，大家上午好！欢迎来到青山县政府网站在线访谈。今天我们邀请到县教育局局长王明、基础教育股股长李华，围绕今年秋季学期义务教育招生入学政策与网友交流。',
  ],
  [
    'g0',
    '各位网友好！今年秋季学期，我县义务教育招生继续坚持免试就近入学，公办民办学校同步招生，城区小学一年级计划招生2400人。',
  ],
  ['host', '今年的招生政策和去年相比有哪些变化？'],
  [
    'g0',
    '主要有三个变化：一是新建的城东小学投入使用，单独划片；二是全面推行网上报名，家长不用再到学校现场排队；三是随迁子女入学材料由原来的五项精简为三项。',
  ],
  [0, ''],
  [
    'g1',
    '城关镇学区总体保持稳定。城东小学的服务片区为东环路以东、滨河路以北的区域，具体范围已在县教育局网站公布，家长也可以拨打招生咨询电话查询。',
  ],
  [1, ''],
  [
    'g1',
    '随迁子女入学只需提供三项材料：居住证、户口簿和监护人在本县务工或经营的证明。材料不全的，学校先予登记，再帮助家长补齐。',
  ],
  ['host', '网上报名在什么时间？'],
  ['g0', '网上报名时间为7月1日至7月10日，家长登录县教育局招生报名平台填写信息即可。7月20日前公布录取结果。'],
  ['host', '感谢王局长、李股长的解答，也感谢各位网友的参与。本次在线访谈到此结束。'],
];

const QUESTIONS: [string, string][] = [
  ['今年城关镇的学区划分有变化吗？新建的城东小学招哪些片区的孩子？', '陈女士'],
  ['我们是外地来青山务工的，孩子上小学需要准备什么材料？', '刘先生'],
];

export async function loadDemoInterviews(
  ctx: Ctx,
  siteId: number,
  staff: { office: Actor; editor: Actor },
  agencyIds: number[],
): Promise<void> {
  const { office, editor } = staff;
  const at = (days: number, minutes = 0) => ({
    ...ctx,
    now: () => new Date(ctx.now().getTime() + days * 86_400_000 + minutes * 60_000),
  });
  const day = (days: number) => addDays(shanghaiDate(ctx.now()), days);

  const past = await saveInterview(at(-30), editor, siteId, null, {
    agencyId: String(agencyIds[3]),
    title: '县教育局局长谈秋季学期义务教育招生入学政策',
    intro:
      '今年秋季学期义务教育招生有哪些新变化？城东小学怎么划片？随迁子女入学要准备什么材料？县教育局负责人走进访谈间，为您一一解答。',
    startsAt: `${day(-21)}T09:30`,
    endsAt: `${day(-21)}T10:30`,
    guests: '王明｜县教育局局长\n李华｜县教育局基础教育股股长',
  });
  await publishInterview(at(-28), office, past);
  const asked: number[] = [];
  for (const [i, [content, name]] of QUESTIONS.entries()) {
    const q = await registerQuestion(at(-25 + i), editor, past, { content, name });
    await moderateQuestion(at(-22), editor, past, q, { show: '1' });
    asked.push(q);
  }
  const ad = await registerQuestion(at(-23), editor, past, { content: '代办入学手续，保证进城区名校，联系微信……' });
  await moderateQuestion(at(-22), editor, past, ad, { show: '0', reason: '广告' });
  // the interview itself from half past nine, a few minutes between posts
  const startsAt = beijingTime(`${day(-21)}T09:30`)!.getTime();
  const minute = (m: number) => ({ ...ctx, now: () => new Date(startsAt + m * 60_000) });
  await startInterview(minute(0), editor, past);
  for (const [n, [who, content]] of TRANSCRIPT.entries()) {
    if (typeof who === 'number') await putQuestion(minute(4 * n + 1), editor, past, asked[who]);
    else await postToStream(minute(4 * n + 1), editor, past, { speaker: who, content }, null);
  }
  await endInterview(minute(60), editor, past);
  await saveSummary(at(-20), editor, past, {
    summary:
      '县教育局局长王明介绍了今年秋季学期义务教育招生的三个变化：城东小学投入使用并单独划片、全面推行网上报名、随迁子女入学材料精简为三项，并回答了网友关于学区划分和随迁子女入学的提问。',
    videoUrl: 'https://www.qingshan.gov.cn/video/2026-jyj.mp4',
  });

  // next week's, announced, one question waiting for moderation
  const next = await saveInterview(at(-2), editor, siteId, null, {
    agencyId: String(agencyIds[14]),
    title: '县卫生健康局局长谈家庭医生签约服务',
    intro: '家庭医生能提供哪些服务？怎样签约？费用如何？县卫生健康局负责人将与网友在线交流。欢迎提前提问。',
    startsAt: `${day(6)}T15:00`,
    endsAt: `${day(6)}T16:00`,
    guests: '张静｜县卫生健康局局长\n赵磊｜县人民医院全科医学科主任',
  });
  await publishInterview(at(-1), office, next);
  await registerQuestion(at(0, -90), editor, next, {
    content: '老人行动不便，家庭医生能上门服务吗？',
    name: '吴先生',
  });
}
