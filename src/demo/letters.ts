/**
 * The demo's 互动交流: the 县长信箱 (triaged by the office) and the 教育局's own mailbox, a canned reply, and a year of
 * letters in every kind and state — assigned, transferred, extended, replied, rated, reopened, closed as duplicates,
 * published with the writer's consent.
 */
import type { Actor } from '../core/access.ts';
import type { Ctx } from '../core/context.ts';
import type { Site } from '../core/db.types.ts';
import {
  actOnLetter,
  addCannedReply,
  createMailbox,
  openLetter,
  publishedLetters,
  rateLetter,
  registerLetter,
} from '../features/interaction/interaction.letters.service.ts';

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
): Promise<{ letters: number; published: number }> {
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
  if (!withLetters) return { letters: 0, published: 0 };
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
        if (o.actions.includes('publish'))
          await actOnLetter(at(7), office, id, 'publish', { title: o.suggested.title, content: o.suggested.content });
      }
    }
  }
  const published = (await publishedLetters(ctx, site.id, {}, 1)).rows.length;
  return { letters: n, published };
}
