/**
 * The demo's 互动交流: the 县长信箱 (triaged by the office) and the 教育局's own mailbox, a canned reply, and a year of
 * letters in every kind and state — assigned, transferred, extended, replied, rated, reopened, closed as duplicates,
 * published with the writer's consent — and a knowledge base of common questions per agency and topic, one of them
 * made from a letter's reply.
 */
import type { Actor } from '../core/access.ts';
import type { Ctx } from '../core/context.ts';
import type { Site } from '../core/db.types.ts';
import { faqFromLetter, publishFaq, saveFaq } from '../features/interaction/interaction.faq.service.ts';
import {
  actOnLetter,
  openLetter,
  publishedLetters,
  rateLetter,
  registerLetter,
} from '../features/interaction/interaction.letters.service.ts';
import { addCannedReply, createMailbox } from '../features/interaction/interaction.mailboxes.service.ts';

const LETTERS: { kind: string; title: string; content: string }[] = [
  {
    kind: 'consult',
    title: '咨询新生入学报名时间',
    content: '请问今年小学一年级新生入学报名从哪天开始？需要准备哪些材料？我的手机号是13812345678。',
  },
  {
    kind: 'suggest',
    title: '建议在城东公园增设公共厕所',
    content: '城东公园每天晨练的老人很多，但园内只有一处公共厕所，建议在东门附近增设一处。',
  },
  {
    kind: 'complain',
    title: '投诉夜间施工噪音扰民',
    content: '人民大道与解放路交叉口的工地连续多日夜间十一点后仍在施工，噪音很大，影响周边居民休息。',
  },
  {
    kind: 'help',
    title: '求助：低保申请进度',
    content: '我母亲今年三月提交了最低生活保障申请，至今没有消息，想了解办理进度。身份证号11010519491231002X。',
  },
  {
    kind: 'other',
    title: '关于公交站台遮雨棚损坏的反映',
    content: '青溪镇汽车站对面的公交站台遮雨棚被大风刮坏，下雨时乘客无处避雨，请有关部门尽快修复。',
  },
  {
    kind: 'consult',
    title: '咨询义务教育阶段转学手续',
    content: '孩子随父母工作调动，需要从外县转入本县小学四年级，请问需要办理哪些转学手续？',
  },
];

const WRITERS = ['张建国', '李秀英', '王小明', '刘芳', '陈志强', '杨丽华'];

export async function loadDemoLetters(
  ctx: Ctx,
  site: Site,
  staff: { office: Actor; editor: Actor; reviewer: Actor },
  agencyIds: number[],
  withLetters: boolean,
): Promise<{ letters: number; published: number; firstPublished: number | null }> {
  const { office, editor } = staff;
  await createMailbox(ctx, office, site.id, {
    name: '县长信箱',
    slug: 'xzxx',
    intro: '县长信箱由县人民政府办公室受理，按来信内容交有关单位办理并答复。',
  });
  await createMailbox(ctx, office, site.id, {
    name: '教育局长信箱',
    slug: 'jyj',
    agencyId: String(agencyIds[3]),
    intro: '受理有关招生入学、学校管理、教师队伍等教育事项的咨询、建议和投诉。',
  });
  await addCannedReply(ctx, editor, site.id, agencyIds[3], {
    title: '招生入学咨询',
    body: '您好！您反映的问题已收悉。本县义务教育招生工作按照《青山县义务教育招生入学工作实施方案》执行，具体时间和材料以教育局发布的招生公告为准。感谢您的来信。',
  });
  if (!withLetters) return { letters: 0, published: 0, firstPublished: null };
  let firstPublished: number | null = null;
  const now = ctx.now().getTime();
  let n = 0;
  for (let month = 11; month >= 0; month--) {
    for (let k = 0; k < 2; k++) {
      const spec = LETTERS[(month * 2 + k) % LETTERS.length];
      const written = new Date(now - (month * 30 + 10 + k * 5) * 86_400_000);
      const at = (days: number) => ({ ...ctx, now: () => new Date(written.getTime() + days * 86_400_000) });
      const toEducation = spec.kind === 'consult';
      const writer = WRITERS[(month + k) % WRITERS.length];
      const letter = await registerLetter(at(0), office, site, toEducation ? 'jyj' : 'xzxx', {
        kind: spec.kind,
        title: spec.title,
        content: spec.content,
        name: writer,
        phone: `1390571${String(1000 + n).padStart(4, '0')}`,
        email: '',
        consent: n % 3 === 2 ? '' : 'on',
      });
      n++;
      const id = letter.id;
      const agency = agencyIds[2 + ((month + k) % 8)];
      const newest = month === 0;
      // the newest letters are still open: one waiting for the office, one being handled by the 教育局
      if (newest && !toEducation) continue;
      if (!toEducation) await actOnLetter(at(1), office, id, 'assign', { agencyId: String(agency) });
      if (newest) continue;
      if (month === 3 && k === 1) {
        await actOnLetter(at(2), office, id, 'close', {
          closedKind: 'duplicate',
          reason: '与此前来信内容相同，已合并办理',
        });
        continue;
      }
      if (month % 4 === 1) await actOnLetter(at(2), office, id, 'extend', { days: '3', reason: '需要现场核实' });
      const reply = `${writer.slice(0, 1)}先生/女士：您好！您反映的“${spec.title}”问题已收悉。经调查核实，有关单位已安排专人处理，并将持续跟踪办理情况。感谢您对我县工作的关心和支持。`;
      await actOnLetter(at(month % 5 === 0 ? 9 : 4), office, id, 'reply', { reply });
      const rating = ['satisfied', 'satisfied', 'basic', 'unsatisfied'][(month + k) % 4];
      await rateLetter(
        at(6),
        site,
        { trackingNo: letter.trackingNo, queryCode: letter.queryCode, rating, comment: '' },
        'demo',
      );
      if (n % 3 !== 0) {
        const o = await openLetter(ctx, office, id);
        if (o.actions.includes('publish')) {
          await actOnLetter(at(7), office, id, 'publish', o.suggested);
          firstPublished ??= id;
        }
      }
    }
  }
  const published = (await publishedLetters(ctx, site.id, {}, 1)).rows.length;
  return { letters: n, published, firstPublished };
}

/** The knowledge base: [agency index in AGENCIES, topic, question, answer]. */
const FAQS: [number, string, string, string][] = [
  [
    3,
    '教育',
    '小学一年级新生入学需要准备哪些材料？',
    '适龄儿童入学一般需准备：户口簿、房屋产权证明或租赁备案证明、儿童预防接种证。具体材料和报名时间以县教育局每年发布的义务教育招生公告为准，公告一般于每年5月在本网站“通知公告”栏目发布。',
  ],
  [
    3,
    '教育',
    '义务教育阶段学生如何办理转学？',
    '转入学校所在地的学生家长携带户口簿、居住证明和原就读学校出具的学籍信息表，向拟转入学校提出申请，经学校同意后通过全国中小学生学籍信息管理系统办理转学手续。转学一般在每学期开学前两周内办理。',
  ],
  [
    5,
    '社会救助',
    '申请最低生活保障需要什么条件？',
    '共同生活的家庭成员人均收入低于本县最低生活保障标准，且家庭财产状况符合规定的，可以向户籍所在地的乡镇人民政府（街道办事处）申请。申请时需提交家庭成员身份证件、收入和财产情况说明等材料，乡镇（街道）受理后将进行入户调查和公示。',
  ],
  [
    5,
    '社会救助',
    '低保申请多久能审批下来？',
    '乡镇（街道）自受理申请之日起一般在30个工作日内完成审核，县民政局在收到审核意见后一般在10个工作日内作出审批决定。特殊情况可以延长，申请人可向乡镇（街道）社会救助窗口查询办理进度。',
  ],
  [
    4,
    '户籍',
    '身份证丢失了怎么补办？',
    '居民身份证丢失后，可携带户口簿到户籍所在地或居住地的公安机关户籍窗口申请补领，也可通过“互联网+政务服务”平台预约办理。补领居民身份证需缴纳工本费20元，一般在20日内领取；急需使用的可同时申领临时居民身份证。',
  ],
  [
    4,
    '户籍',
    '新生儿如何办理户口登记？',
    '婴儿出生后一个月内，由监护人携带出生医学证明、父母双方的户口簿和居民身份证、结婚证，到户籍所在地派出所申报出生登记。符合条件的也可以通过网上办理。',
  ],
  [
    8,
    '社会保障',
    '灵活就业人员如何参加养老保险？',
    '本县户籍及在本县居住的灵活就业人员，可携带居民身份证到县社会保险服务中心办理参保登记，按月或按年缴纳基本养老保险费，缴费基数可在规定范围内自主选择。办理参保登记后，可通过银行代扣或手机缴费。',
  ],
  [
    8,
    '就业',
    '失业后如何申领失业保险金？',
    '参加失业保险且缴费满一年、非因本人意愿中断就业并已办理失业登记的人员，可向县社会保险服务中心申领失业保险金。申领时携带居民身份证和社会保障卡，也可通过线上服务平台申请。',
  ],
  [
    17,
    '医疗保障',
    '异地就医如何备案？',
    '参保人员可通过国家医保服务平台、当地医保服务大厅或电话办理异地就医备案。备案后在备案地定点医疗机构就医可直接结算。临时外出就医人员备案有效期一般为6个月。',
  ],
  [
    11,
    '住房',
    '公共租赁住房的申请条件是什么？',
    '在本县城区无自有住房或人均住房面积低于规定标准、家庭收入符合规定标准的城镇中等偏下收入家庭、新就业无房职工和在本县稳定就业的外来务工人员，可以申请公共租赁住房。申请材料及受理时间以县住房和城乡建设局发布的公告为准。',
  ],
  [
    16,
    '消费维权',
    '买到的商品有质量问题如何投诉？',
    '消费者可先与经营者协商解决；协商不成的，可通过全国12315平台、拨打12315热线或到县市场监督管理局消费者投诉窗口投诉。投诉时请提供购物凭证、商品照片等证明材料以及经营者的名称和地址。',
  ],
  [
    14,
    '医疗卫生',
    '如何预约家庭医生签约服务？',
    '居民可到户籍所在地或居住地的乡镇卫生院、社区卫生服务中心签约家庭医生，也可通过卫生院的预约电话登记。签约后可享受健康评估、慢性病随访、预约转诊等服务。',
  ],
];

/**
 * The demo's knowledge base: the entries above, published by the office, and a draft made from a letter's reply
 * (waiting to be checked and published, as staff find it after 转为常见问题).
 */
export async function loadDemoFaqs(
  ctx: Ctx,
  site: Site,
  office: Actor,
  agencyIds: number[],
  fromLetter: number | null,
): Promise<number> {
  for (const [agency, topic, question, answer] of FAQS) {
    const id = await saveFaq(ctx, office, site.id, null, {
      agencyId: String(agencyIds[agency]),
      topic,
      question,
      answer,
    });
    await publishFaq(ctx, office, id, true);
  }
  if (fromLetter !== null) await faqFromLetter(ctx, office, fromLetter);
  return FAQS.length;
}
