import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { type Actor, SYSTEM } from '../core/access.ts';
import { loadPrincipal } from '../core/auth.ts';
import { shanghaiDate } from '../core/calendar.ts';
import type { Ctx } from '../core/context.ts';
import { createAgency, createSite, createUser, siteAgencies } from '../features/admin/admin.service.ts';
import { saveColumn } from '../features/catalog/catalog.columns.service.ts';
import { openEdition } from '../features/catalog/catalog.facts.service.ts';
import { saveGazetteIssue } from '../features/catalog/catalog.gazette.service.ts';
import type { Genre } from '../features/catalog/catalog.rules.ts';
import { actOnEdition, addAttachment, changeLiveStatus, createDraft } from '../features/catalog/catalog.service.ts';
import { ReportBody } from '../features/reports/reports.document.views.tsx';
import { saveReport, submitReport } from '../features/reports/reports.service.ts';
import { loadDemoCases } from './cases.ts';
import { loadDemoConsultations } from './consultations.ts';
import { loadDemoInterviews } from './interviews.ts';
import { loadDemoFaqs, loadDemoLetters } from './letters.ts';
import { loadDemoSurveys } from './surveys.ts';

/** The demo staff password, printed at start-up. */
export const DEMO_PASSWORD = 'gongkai-demo-2026';

export const DEMO_ACCOUNTS = [
  { username: 'editor', name: '李信息', role: 'editor', label: '信息员' },
  { username: 'reviewer', name: '王审核', role: 'reviewer', label: '审核人' },
  { username: 'secrecy', name: '赵保密', role: 'confidentiality_reviewer', label: '保密审查员' },
  { username: 'office', name: '陈公开', role: 'office_admin', label: '政务公开办管理员' },
  { username: 'admin', name: '周平台', role: 'platform_admin', label: '平台管理员' },
] as const;

const COUNTY = '青山县';

/** Fictional county: the government, its office, departments and townships. */
export const AGENCIES: { name: string; kind: 'government' | 'office' | 'department' | 'township'; short: string }[] = [
  { name: `${COUNTY}人民政府`, kind: 'government', short: '青政' },
  { name: `${COUNTY}人民政府办公室`, kind: 'office', short: '青政办' },
  { name: `${COUNTY}发展和改革局`, kind: 'department', short: '青发改' },
  { name: `${COUNTY}教育局`, kind: 'department', short: '青教' },
  { name: `${COUNTY}公安局`, kind: 'department', short: '青公' },
  { name: `${COUNTY}民政局`, kind: 'department', short: '青民' },
  { name: `${COUNTY}司法局`, kind: 'department', short: '青司' },
  { name: `${COUNTY}财政局`, kind: 'department', short: '青财' },
  { name: `${COUNTY}人力资源和社会保障局`, kind: 'department', short: '青人社' },
  { name: `${COUNTY}自然资源局`, kind: 'department', short: '青自然资源' },
  { name: `${COUNTY}生态环境分局`, kind: 'department', short: '青环' },
  { name: `${COUNTY}住房和城乡建设局`, kind: 'department', short: '青建' },
  { name: `${COUNTY}交通运输局`, kind: 'department', short: '青交' },
  { name: `${COUNTY}农业农村局`, kind: 'department', short: '青农' },
  { name: `${COUNTY}卫生健康局`, kind: 'department', short: '青卫健' },
  { name: `${COUNTY}应急管理局`, kind: 'department', short: '青应急' },
  { name: `${COUNTY}市场监督管理局`, kind: 'department', short: '青市监' },
  { name: `${COUNTY}医疗保障局`, kind: 'department', short: '青医保' },
  { name: '城关镇人民政府', kind: 'township', short: '城政' },
  { name: '青溪镇人民政府', kind: 'township', short: '溪政' },
  { name: '石门乡人民政府', kind: 'township', short: '石政' },
];

type ColumnSpec = { slug: string; name: string; kind: string; children?: ColumnSpec[] };

const COLUMNS: ColumnSpec[] = [
  {
    slug: 'zfxxgk',
    name: '政府信息公开',
    kind: 'disclosure',
    children: [
      { slug: 'gkzn', name: '政府信息公开指南', kind: 'guide' },
      { slug: 'gkzd', name: '政府信息公开制度', kind: 'system' },
      {
        slug: 'fdzdgk',
        name: '法定主动公开内容',
        kind: 'disclosure',
        children: [
          { slug: 'jgzn', name: '机构职能', kind: 'other' },
          { slug: 'ghjh', name: '规划计划', kind: 'other' },
          { slug: 'tjxx', name: '统计信息', kind: 'other' },
          { slug: 'rsxx', name: '人事信息', kind: 'other' },
          { slug: 'xzxk', name: '行政许可', kind: 'other' },
          { slug: 'xzcf', name: '行政处罚', kind: 'other' },
        ],
      },
      { slug: 'gknb', name: '政府信息公开年报', kind: 'annual_report' },
    ],
  },
  { slug: 'gzdt', name: '工作动态', kind: 'news' },
  { slug: 'tzgg', name: '通知公告', kind: 'notice' },
  {
    slug: 'zcwj',
    name: '政策文件',
    kind: 'policy',
    children: [
      { slug: 'gfxwj', name: '行政规范性文件', kind: 'policy' },
      { slug: 'qtwj', name: '其他文件', kind: 'policy' },
    ],
  },
  { slug: 'zcjd', name: '政策解读', kind: 'interpretation' },
  {
    slug: 'zdly',
    name: '重点领域',
    kind: 'key_area',
    children: [
      { slug: 'czzj', name: '财政资金', kind: 'key_area' },
      { slug: 'ggzypz', name: '公共资源配置', kind: 'key_area' },
      { slug: 'zdjsxm', name: '重大建设项目', kind: 'key_area' },
      { slug: 'shjz', name: '社会救助', kind: 'key_area' },
      { slug: 'jy', name: '教育', kind: 'key_area' },
      { slug: 'ylws', name: '医疗卫生', kind: 'key_area' },
      { slug: 'hjbh', name: '环境保护', kind: 'key_area' },
      { slug: 'spypaq', name: '食品药品安全', kind: 'key_area' },
      { slug: 'aqsc', name: '安全生产', kind: 'key_area' },
      { slug: 'zdcq', name: '征地拆迁', kind: 'key_area' },
      { slug: 'bzxzf', name: '保障性住房', kind: 'key_area' },
      { slug: 'jycy', name: '就业创业', kind: 'key_area' },
      { slug: 'shbz', name: '社会保障', kind: 'key_area' },
    ],
  },
  { slug: 'zfgb', name: '政府公报', kind: 'gazette' },
  {
    slug: 'zt',
    name: '专题专栏',
    kind: 'topic',
    children: [
      { slug: 'yhyshj', name: '优化营商环境', kind: 'topic' },
      { slug: 'xczx', name: '乡村振兴', kind: 'topic' },
    ],
  },
];

/** Topics with the agency that handles them and the key-area column they belong to. */
const TOPICS: { topic: string; agency: number; area: string; theme: string }[] = [
  { topic: '城乡居民最低生活保障', agency: 5, area: 'shjz', theme: '民政、扶贫、救灾' },
  { topic: '特困人员救助供养', agency: 5, area: 'shjz', theme: '民政、扶贫、救灾' },
  { topic: '农村危房改造', agency: 11, area: 'bzxzf', theme: '城乡建设、环境保护' },
  { topic: '公共租赁住房保障', agency: 11, area: 'bzxzf', theme: '城乡建设、环境保护' },
  { topic: '义务教育阶段学生资助', agency: 3, area: 'jy', theme: '科技、教育' },
  { topic: '学前教育普惠发展', agency: 3, area: 'jy', theme: '科技、教育' },
  { topic: '大气污染防治', agency: 10, area: 'hjbh', theme: '城乡建设、环境保护' },
  { topic: '河湖长制', agency: 13, area: 'hjbh', theme: '农业、林业、水利' },
  { topic: '食品安全监督抽检', agency: 16, area: 'spypaq', theme: '市场监管、安全生产监管' },
  { topic: '安全生产专项整治', agency: 15, area: 'aqsc', theme: '市场监管、安全生产监管' },
  { topic: '集体土地征收补偿', agency: 9, area: 'zdcq', theme: '国土资源、能源' },
  { topic: '就业创业补贴', agency: 8, area: 'jycy', theme: '劳动、人事、监察' },
  { topic: '城乡居民基本养老保险', agency: 8, area: 'shbz', theme: '劳动、人事、监察' },
  { topic: '医疗保障待遇', agency: 17, area: 'shbz', theme: '卫生、体育' },
  { topic: '基本公共卫生服务', agency: 14, area: 'ylws', theme: '卫生、体育' },
  { topic: '政府采购', agency: 7, area: 'ggzypz', theme: '财政、金融、审计' },
  { topic: '财政预算执行', agency: 7, area: 'czzj', theme: '财政、金融、审计' },
  { topic: '重点项目建设', agency: 2, area: 'zdjsxm', theme: '国民经济管理、国有资产监管' },
  { topic: '“双随机、一公开”监管', agency: 16, area: 'yhyshj', theme: '市场监管、安全生产监管' },
  { topic: '高标准农田建设', agency: 13, area: 'xczx', theme: '农业、林业、水利' },
];

/** A deterministic pseudo-random sequence, so the demo is the same on every install. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const para = (s: string) => `<p>${s}</p>`;

function policyBody(topic: string, year: number): string {
  return [
    para(`为进一步做好${topic}工作，根据有关法律法规和上级部署，结合我县实际，制定本办法。`),
    '<h3>第一章 总则</h3>',
    para(`第一条 本办法适用于本县行政区域内的${topic}工作。`),
    para(`第二条 ${topic}工作坚持公开、公平、公正原则，实行属地管理、分级负责。`),
    '<h3>第二章 职责分工</h3>',
    para('第三条 县人民政府统一领导本县相关工作，各乡镇人民政府负责组织实施，有关部门按照职责分工做好相关工作。'),
    para(`第四条 各级各部门应当将${topic}有关信息通过政府网站等渠道及时主动公开，接受社会监督。`),
    '<h3>第三章 附则</h3>',
    para(`第五条 本办法自${year}年${1 + (year % 12)}月1日起施行，有效期五年。`),
  ].join('\n');
}

function newsBody(agency: string, topic: string, date: string): string {
  return [
    para(`${date}，${agency}召开${topic}工作推进会，总结前一阶段工作，部署下一步任务。`),
    para(`会议指出，今年以来，全县${topic}工作取得积极进展，各项指标稳步推进，群众满意度持续提升。`),
    para(`会议强调，要坚持问题导向，压实工作责任，加强督促检查，确保${topic}各项任务按时保质完成。`),
  ].join('\n');
}

function noticeBody(agency: string, topic: string, year: number): string {
  return [
    para(`根据${year}年度${topic}工作安排，现将有关事项公告如下：`),
    para('一、对象和范围：本县行政区域内符合条件的单位和个人。'),
    para('二、办理时间：自公告之日起 30 日内，法定节假日除外。'),
    para('三、办理地点：县政务服务中心相关窗口，也可通过网上办事大厅在线办理。'),
    para(`四、联系方式：${agency}，咨询电话 0571-6500${String(1000 + (year % 9000)).slice(0, 4)}。`),
    para('特此公告。'),
  ].join('\n');
}

interface Item {
  genre: Genre;
  title: string;
  docNo: string;
  agency: number;
  columns: string[];
  theme: string;
  body: string;
  keywords: string;
  when: Date;
  /** The policy an interpretation explains. */
  interprets?: Item;
  validity?: 'valid' | 'repealed';
}

function generate(count: number, now: Date): Item[] {
  const rand = rng(20260101);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const items: Item[] = [];
  const serial: Record<string, number> = {};
  const docNo = (short: string, year: number, kind = '') => {
    const key = `${short}${kind}${year}`;
    serial[key] = (serial[key] ?? 0) + 1;
    return `${short}${kind}〔${year}〕${serial[key]}号`;
  };
  for (let i = 0; i < count; i++) {
    // spread over the past three years, newest last
    const when = new Date(
      now.getTime() - Math.floor((count - i) * ((3 * 365 * 86400_000) / count)) - Math.floor(rand() * 3600_000),
    );
    const year = Number(when.toISOString().slice(0, 4));
    const date = `${year}年${when.getUTCMonth() + 1}月${when.getUTCDate()}日`;
    const t = pick(TOPICS);
    const agencyName = AGENCIES[t.agency].name;
    const roll = rand();
    let item: Item;
    if (roll < 0.12) {
      item = {
        genre: '行政规范性文件',
        title: `${COUNTY}人民政府关于印发《${COUNTY}${t.topic}管理办法》的通知`,
        docNo: docNo('青政', year, '规'),
        agency: 0,
        columns: ['gfxwj', t.area],
        theme: t.theme,
        body: policyBody(t.topic, year),
        keywords: `${t.topic} 管理办法`,
        when,
      };
    } else if (roll < 0.22) {
      item = {
        genre: '其他文件',
        title: `${COUNTY}人民政府办公室关于做好${year}年${t.topic}工作的通知`,
        docNo: docNo('青政办', year),
        agency: 1,
        columns: ['qtwj', t.area],
        theme: t.theme,
        body: policyBody(t.topic, year),
        keywords: t.topic,
        when,
      };
    } else if (roll < 0.47) {
      item = {
        genre: '工作动态',
        title: `${agencyName}召开${t.topic}工作推进会`,
        docNo: '',
        agency: t.agency,
        columns: ['gzdt'],
        theme: t.theme,
        body: newsBody(agencyName, t.topic, date),
        keywords: t.topic,
        when,
      };
    } else if (roll < 0.67) {
      item = {
        genre: '通知公告',
        title: `关于${year}年度${t.topic}有关事项的公告`,
        docNo: '',
        agency: t.agency,
        columns: ['tzgg', t.area],
        theme: t.theme,
        body: noticeBody(agencyName, t.topic, year),
        keywords: `${t.topic} 公告`,
        when,
      };
    } else if (roll < 0.75) {
      item = {
        genre: '规划计划',
        title: `${COUNTY}${t.topic}${year}年度工作计划`,
        docNo: '',
        agency: t.agency,
        columns: ['ghjh', t.area],
        theme: t.theme,
        body: newsBody(agencyName, t.topic, date),
        keywords: `${t.topic} 工作计划`,
        when,
      };
    } else if (roll < 0.83) {
      const month = when.getUTCMonth() + 1;
      item = {
        genre: '统计信息',
        title: `${year}年${month}月${COUNTY}主要经济指标`,
        docNo: '',
        agency: 2,
        columns: ['tjxx'],
        theme: '国民经济管理、国有资产监管',
        body: para(
          `${year}年1—${month}月，全县地区生产总值同比增长${(4 + rand() * 3).toFixed(1)}%，规模以上工业增加值同比增长${(5 + rand() * 4).toFixed(1)}%，社会消费品零售总额同比增长${(3 + rand() * 4).toFixed(1)}%。`,
        ),
        keywords: '统计 经济指标',
        when,
      };
    } else if (roll < 0.91) {
      item = {
        genre: '财政信息',
        title: `${agencyName}${year}年部门预算公开`,
        docNo: '',
        agency: t.agency,
        columns: ['czzj'],
        theme: '财政、金融、审计',
        body: para(
          `根据预算法和财政部关于部门预算公开的要求，现将${agencyName}${year}年部门预算及“三公”经费预算情况公开如下。${year}年收入预算${(800 + rand() * 3000).toFixed(2)}万元，支出预算与收入预算相同。`,
        ),
        keywords: '部门预算 三公经费',
        when,
      };
    } else {
      item = {
        genre: '人事信息',
        title: `${COUNTY}人民政府关于${pick(['张', '王', '刘', '陈', '杨', '黄'])}${pick(['建国', '晓明', '丽华', '志强', '海燕'])}等同志职务任免的通知`,
        docNo: docNo('青政', year, '干'),
        agency: 0,
        columns: ['rsxx'],
        theme: '劳动、人事、监察',
        body: para('经县人民政府研究决定：任命有关同志职务，免去有关同志职务。'),
        keywords: '任免',
        when,
      };
    }
    items.push(item);
  }
  // interpret most normative documents, leaving a few for the office's "missing interpretation" list
  const policies = items.filter((it) => it.genre === '行政规范性文件');
  policies.forEach((it, n) => {
    if (n % 4 === 3) return;
    const title = it.title.match(/《(.+)》/)?.[1] ?? it.title;
    items.push({
      genre: '政策解读',
      title: `《${title}》政策解读`,
      docNo: '',
      agency: 1,
      columns: ['zcjd'],
      theme: it.theme,
      body: [
        para(`一、制定背景：为贯彻落实上级决策部署，规范${title.replace(COUNTY, '')}相关工作，制定本办法。`),
        para('二、主要内容：本办法共三章五条，明确了适用范围、职责分工和公开要求。'),
        para('三、解读机关及联系方式：县人民政府办公室。'),
      ].join('\n'),
      keywords: '政策解读',
      when: new Date(it.when.getTime() + 3600_000),
      interprets: it,
    });
  });
  return items.sort((a, b) => a.when.getTime() - b.when.getTime());
}

/** Creates the demo county site, unless a site with code `demo` exists. Returns false when it already did. */
export async function loadDemo(
  ctx: Ctx,
  opts: { publications?: number; cases?: boolean; log?: (s: string) => void } = {},
): Promise<boolean> {
  if (await ctx.sites.byCode('demo')) return false;
  const log = opts.log ?? (() => {});
  const siteId = await createSite(ctx, SYSTEM, {
    code: 'demo',
    name: `${COUNTY}人民政府`,
    hosts: ['localhost', '127.0.0.1'],
    interpretationDays: 3,
  });
  const agencyIds: number[] = [];
  for (const [i, a] of AGENCIES.entries()) {
    agencyIds.push(
      await createAgency(ctx, SYSTEM, siteId, {
        name: a.name,
        kind: a.kind,
        parentId: i === 0 ? null : agencyIds[0],
        code: `11330127MB${String(i + 1).padStart(7, '0')}X`,
        sort: i,
        officeName: `${a.name}${a.kind === 'government' ? '办公室' : ''}政务公开工作机构`,
        officeAddress: `${COUNTY}人民大道${100 + i}号`,
        officeHours: '工作日 上午 8:30—12:00，下午 14:30—17:30',
        officePhone: `0571-6500${String(2000 + i)}`,
        officeFax: `0571-6500${String(3000 + i)}`,
        officeEmail: `gk${i}@qingshan.gov.cn`,
        officePostcode: '311700',
      }),
    );
  }
  const columnIds = new Map<string, number>();
  const addColumns = async (specs: ColumnSpec[], parentId: number | null) => {
    for (const [i, c] of specs.entries()) {
      const id = await saveColumn(ctx, SYSTEM, siteId, null, {
        name: c.name,
        slug: c.slug,
        kind: c.kind,
        parentId,
        sort: i,
      });
      columnIds.set(c.slug, id);
      if (c.children) await addColumns(c.children, id);
    }
  };
  await addColumns(COLUMNS, null);
  // one account per role: the government office holds the workflow roles for every agency in the demo
  const users: Record<string, number> = {};
  for (const acc of DEMO_ACCOUNTS) {
    const roles =
      acc.role === 'platform_admin'
        ? [{ role: 'platform_admin', agencyId: null }]
        : acc.role === 'office_admin'
          ? [{ role: 'office_admin', agencyId: agencyIds[1] }]
          : agencyIds.map((agencyId) => ({ role: acc.role, agencyId }));
    users[acc.username] = await createUser(ctx, SYSTEM, siteId, {
      username: acc.username,
      name: acc.name,
      phone: '',
      agencyId: agencyIds[1],
      password: DEMO_PASSWORD,
      roles,
    });
  }
  const actor = async (username: string): Promise<Actor> => ({
    principal: await loadPrincipal(ctx.db, users[username]),
    ip: 'demo',
  });
  const [editor, reviewer, secrecy, office] = await Promise.all(['editor', 'reviewer', 'secrecy', 'office'].map(actor));
  const items = generate(opts.publications ?? 300, ctx.now());
  const published: number[] = [];
  const publicationOf = new Map<Item, number>();
  for (const [n, it] of items.entries()) {
    const at = { ...ctx, now: () => it.when };
    const { publicationId, editionId } = await createDraft(at, editor, agencyIds[it.agency], {
      title: it.title,
      docNo: it.docNo,
      writtenOn: it.docNo ? new Date(it.when.getTime() - 3 * 86400_000).toISOString().slice(0, 10) : '',
      genre: it.genre,
      themeCategory: it.theme,
      keywords: it.keywords,
      summary: '',
      bodyHtml: it.body,
      agencyIds: [agencyIds[it.agency]],
      columnIds: it.columns.map((s) => columnIds.get(s)!),
      interpretsIds: it.interprets ? [publicationOf.get(it.interprets)!] : [],
      interpretationKind: it.genre === '政策解读' ? 'text' : '',
    });
    published.push(publicationId);
    publicationOf.set(it, publicationId);
    // every fifth plan, statistics or budget document carries its tables as an attachment
    if (['规划计划', '统计信息', '财政信息'].includes(it.genre) && n % 5 === 0) {
      const file = await demoAttachment(it.title);
      await addAttachment(at, editor, editionId, file.name, file.data);
    }
    await actOnEdition(at, editor, editionId, 'submit');
    await actOnEdition(at, reviewer, editionId, 'approve_review');
    await actOnEdition(at, secrecy, editionId, 'approve_confidentiality');
    if ((n + 1) % 50 === 0) log(`  已生成 ${n + 1}/${items.length} 条信息`);
  }
  // a few items in every other state, so that each staff page has something to show
  const last = items.length - 1;
  if (published.length)
    await changeLiveStatus(ctx, office, published[Math.floor(last / 2)], 'withdraw', {
      reason: '信息内容有误，更正后重新发布',
    });
  const draft = await createDraft(ctx, editor, agencyIds[1], {
    title: `关于开展${new Date().getFullYear()}年政务公开第三方评估工作的通知`,
    genre: '通知公告',
    agencyIds: [agencyIds[1]],
    columnIds: [columnIds.get('tzgg')!],
    bodyHtml: para('各乡镇人民政府，县政府各部门：现就开展政务公开第三方评估工作通知如下。'),
  });
  const waiting = await createDraft(ctx, editor, agencyIds[3], {
    title: `${COUNTY}教育局关于秋季学期义务教育招生工作的通知`,
    genre: '通知公告',
    agencyIds: [agencyIds[3]],
    columnIds: [columnIds.get('tzgg')!, columnIds.get('jy')!],
    bodyHtml: para('各中小学校：现就秋季学期义务教育招生工作通知如下。'),
  });
  await actOnEdition(ctx, editor, waiting.editionId, 'submit');
  log(
    `  演示用的一条草稿（信息编号 ${draft.publicationId}）和一条待审核信息（信息编号 ${waiting.publicationId}），登录后台后在工作台可见`,
  );
  await publishSiteGuides(ctx, { editor, reviewer, secrecy }, agencyIds[1], columnIds);
  // gazette: one issue per quarter with the government's documents of that quarter, once the quarter has ended
  const sections = ['县政府文件', '县政府办公室文件', '人事任免'];
  const today = shanghaiDate(ctx.now());
  for (const year of [...new Set(items.map((i) => i.when.getUTCFullYear()))]) {
    for (let q = 1; q <= 4; q++) {
      const issueDate = `${year}-${String(q * 3).padStart(2, '0')}-28`;
      if (issueDate > today) continue;
      const docs = items
        .map((it, i) => ({ it, id: published[i] }))
        .filter(
          ({ it }) =>
            it.when.getUTCFullYear() === year &&
            Math.floor(it.when.getUTCMonth() / 3) + 1 === q &&
            (it.genre === '行政规范性文件' || it.genre === '人事信息' || it.genre === '其他文件'),
        );
      if (!docs.length) continue;
      await saveGazetteIssue(ctx, office, siteId, {
        year,
        number: q,
        totalNumber: (year - 2000) * 4 + q,
        issueDate,
        published: true,
        entries: docs
          .map(({ it, id }) => ({
            section: it.genre === '人事信息' ? '人事任免' : it.agency === 0 ? '县政府文件' : '县政府办公室文件',
            title: it.title,
            publicationId: id,
          }))
          .sort((a, b) => sections.indexOf(a.section) - sections.indexOf(b.section)),
      });
    }
  }
  const letters = await loadDemoLetters(
    ctx,
    (await ctx.sites.byCode('demo'))!,
    { office, editor, reviewer },
    agencyIds,
    opts.cases ?? true,
  );
  if (letters.letters) log(`  互动交流演示来信 ${letters.letters} 件，其中公开 ${letters.published} 件`);
  const faqs = await loadDemoFaqs(ctx, (await ctx.sites.byCode('demo'))!, office, agencyIds, letters.firstPublished);
  log(`  常见问题 ${faqs} 条`);
  // the policy a consultation led to, published through review a month ago
  const policyAt = { ...ctx, now: () => new Date(ctx.now().getTime() - 31 * 86400_000) };
  const policy = await createDraft(policyAt, editor, agencyIds[12], {
    title: '青山县城区道路停车收费管理规定',
    docNo: `青交〔${shanghaiDate(policyAt.now()).slice(0, 4)}〕8号`,
    writtenOn: shanghaiDate(policyAt.now()),
    genre: '行政规范性文件',
    themeCategory: '工业、交通',
    agencyIds: [agencyIds[12]],
    columnIds: [columnIds.get('gfxwj')!],
    bodyHtml: para('第一条 为了规范城区道路停车秩序，提高停车泊位周转率，制定本规定。'),
  });
  await actOnEdition(policyAt, editor, policy.editionId, 'submit');
  await actOnEdition(policyAt, reviewer, policy.editionId, 'approve_review');
  await actOnEdition(policyAt, secrecy, policy.editionId, 'approve_confidentiality');
  await loadDemoConsultations(ctx, siteId, { office, editor }, agencyIds, policy.publicationId);
  log('  意见征集 2 件（1 件征集中，1 件已公布结果）');
  const surveys = await loadDemoSurveys(ctx, siteId, { office, editor }, agencyIds);
  log(`  网上调查 2 项（1 项已公布结果），答卷 ${surveys.responses} 份`);
  await loadDemoInterviews(ctx, siteId, { office, editor }, agencyIds);
  log('  在线访谈 2 期（1 期已结束并有文字实录，1 期预告）');
  if (opts.cases ?? true) {
    const cases = await loadDemoCases(ctx, office, siteId, agencyIds);
    log(`  依申请公开演示案件 ${cases.created} 件，其中未办结 ${cases.open} 件`);
    // last year's annual report of the 民政局, published through review in January; the others are left to write
    const year = Number(shanghaiDate(ctx.now()).slice(0, 4)) - 1;
    const inJanuary = { ...ctx, now: () => new Date(`${year + 1}-01-20T02:00:00Z`) };
    await publishDemoReport(inJanuary, { editor, reviewer, secrecy }, siteId, agencyIds[5], year);
  }
  return true;
}

/** A Word attachment with a document's tables, as offices attach them (附件：…). */
async function demoAttachment(title: string): Promise<{ name: string; data: Buffer }> {
  const name = `附件：${title.replace(/^.*关于/, '').slice(0, 40)}明细表.docx`;
  const rows = [
    ['序号', '项目', '单位', '数量'],
    ['1', '城关镇', '万元', '120'],
    ['2', '青溪镇', '万元', '86'],
    ['3', '石门乡', '万元', '54'],
  ];
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ children: [new TextRun({ text: title, bold: true })] }),
          new Table({
            rows: rows.map(
              (r) => new TableRow({ children: r.map((c) => new TableCell({ children: [new Paragraph(c)] })) }),
            ),
          }),
        ],
      },
    ],
  });
  return { name, data: await Packer.toBuffer(doc) };
}

/** The site's own 政府信息公开指南 and 公开制度, as every office publishes them. */
async function publishSiteGuides(
  ctx: Ctx,
  staff: { editor: Actor; reviewer: Actor; secrecy: Actor },
  officeId: number,
  columnIds: Map<string, number>,
) {
  const docs = [
    {
      column: 'gkzn',
      title: `${COUNTY}人民政府信息公开指南`,
      body: [
        '为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。',
        '一、主动公开。主动公开的政府信息通过本网站“政府信息公开”栏目和各机构的信息公开目录发布，也可在县档案馆、县图书馆和县政务服务中心查阅。信息形成或者变更之日起 20 个工作日内公开。',
        '二、依申请公开。公民、法人或者其他组织可以通过本网站“依申请公开”在线提交申请，也可以当面递交、邮寄或者传真申请表。本机关自收到申请之日起 20 个工作日内答复，需要延长的，延长期限最长不超过 20 个工作日；申请内容不明确的，7 个工作日内一次性告知补正。',
        '三、收费。依申请提供政府信息不收取费用；申请数量、频次明显超过合理范围的，按照国办函〔2020〕109号收取信息处理费。',
        '四、救济途径。认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。',
        `五、政府信息公开工作机构：${COUNTY}人民政府办公室，办公时间为工作日上午 8:30—12:00、下午 14:30—17:30。`,
      ],
    },
    {
      column: 'gkzd',
      title: `${COUNTY}政府信息公开保密审查制度`,
      body: [
        '第一条 为规范政府信息公开保密审查工作，根据《中华人民共和国保守国家秘密法》《中华人民共和国政府信息公开条例》，制定本制度。',
        '第二条 各机关公开政府信息前，应当依照法律、法规和国家有关规定对拟公开的政府信息进行审查，实行“先审查、后公开”和“一事一审”。',
        '第三条 拟公开的政府信息由信息员提交，经本机关审核人审核、保密审查员保密审查后发布；涉及个人信息的，公开前应当去标识化。',
        '第四条 本制度自印发之日起施行。',
      ],
    },
  ];
  for (const d of docs) {
    const { editionId } = await createDraft(ctx, staff.editor, officeId, {
      title: d.title,
      genre: '其他文件',
      agencyIds: [officeId],
      columnIds: [columnIds.get(d.column)!],
      bodyHtml: d.body.map(para).join('\n'),
    });
    await actOnEdition(ctx, staff.editor, editionId, 'submit');
    await actOnEdition(ctx, staff.reviewer, editionId, 'approve_review');
    await actOnEdition(ctx, staff.secrecy, editionId, 'approve_confidentiality');
  }
}

/** An agency's annual report written, submitted and approved as staff would, so that the portal shows one. */
export async function publishDemoReport(
  ctx: Ctx,
  staff: { editor: Actor; reviewer: Actor; secrecy: Actor },
  siteId: number,
  agencyId: number,
  year: number,
): Promise<number> {
  const agency = (await siteAgencies(ctx, siteId)).find((a) => a.id === agencyId);
  if (!agency) throw new Error(`机构 ${agencyId} 不存在`);
  await saveReport(ctx, staff.editor, siteId, agencyId, year, {
    overview: `${year}年，${agency.name}认真贯彻落实《中华人民共和国政府信息公开条例》，围绕社会救助、养老服务等重点领域做好政务公开工作。`,
    problems: '政策解读的形式还不够丰富。下一步将更多采用图解、问答等方式解读政策。',
    otherMatters: '本机关未收取信息处理费。',
    entries: {
      'licensing.decisions': { value: '86', note: '县政务服务中心审批系统年度统计' },
      'penalty.decisions': { value: '2', note: '行政执法信息平台' },
      'enforcement.decisions': { value: '0', note: '行政执法信息平台' },
      'fees.amount': { value: '0', note: '本机关无行政事业性收费项目' },
    },
  });
  const { publicationId } = await submitReport(
    ctx,
    staff.editor,
    siteId,
    agencyId,
    year,
    (v) => ReportBody({ view: v }) as string,
  );
  const edition = await openEdition(ctx, publicationId);
  if (!edition) throw new Error('年度报告没有进入审核');
  await actOnEdition(ctx, staff.reviewer, edition.id, 'approve_review');
  await actOnEdition(ctx, staff.secrecy, edition.id, 'approve_confidentiality');
  return publicationId;
}
