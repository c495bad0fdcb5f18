/**
 * A reproducible generator of realistic government documents for the search benchmark.
 *
 * Word frequencies come from real published text (../shared/corpus, segmented with the same jieba), and
 * documents are topical: each draws most of its content words from one or two of forty topics. So common
 * words such as 公开, 审批 and 低保 match tens of thousands of documents out of 100,000, as they do on a real
 * city portal, while rare words match a handful.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM } from '../src/core/access.ts';
import type { Ctx } from '../src/core/context.ts';
import { AGENCIES } from '../src/demo/demo.ts';
import { createImport, runImport, startImport } from '../src/features/imports/imports.service.ts';
import { queryTokens } from '../src/features/search/search.text.ts';

export interface GeneratedDoc {
  id: string;
  title: string;
  docNo: string | null;
  agency: string;
  genre: string;
  channel: string;
  publishedOn: string;
  validity: string;
  body: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS = path.resolve(here, '../../shared/corpus/pingtan.jsonl');

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words every topic shares, with the weight they get in their topics: they end up in many documents. */
const TOPIC_WORDS: Record<string, string[]> = {
  社会救助: ['低保', '特困供养', '临时救助', '救助', '民政', '困难群众', '保障', '资金', '发放', '审核'],
  政务公开: ['公开', '政务公开', '信息', '依申请公开', '主动公开', '政府信息公开', '指南', '目录'],
  审批服务: ['审批', '行政许可', '办理', '窗口', '材料', '一网通办', '放管服', '营商环境', '企业'],
  安全生产: ['安全生产', '检查', '隐患', '整改', '企业', '应急', '消防', '事故'],
  生态环境: ['生态环境', '污染防治', '攻坚战', '排放', '监测', '环评', '水质', '大气'],
  财政: ['预算', '决算', '三公经费', '财政', '资金', '支出', '收入', '专项债'],
  教育: ['教育', '学校', '义务教育', '学生', '教师', '招生', '双减'],
  卫生: ['医疗', '卫生', '医保', '医院', '疫情防控', '家庭医生', '健康'],
  住房: ['住房', '保障性住房', '公租房', '棚户区改造', '危房改造', '房屋征收', '住房公积金'],
  农业: ['农村', '乡村振兴', '高标准农田', '耕地保护', '农业', '补贴', '合作社'],
  人事: ['任免', '同志', '职务', '招聘', '公务员', '考试', '公示'],
  交通: ['交通', '道路', '公路', '运输', '工程', '建设', '项目'],
};

interface Model {
  common: { words: string[]; cum: number[] };
  topics: { words: string[]; cum: number[] }[];
  rare: string[];
}

function cumulative(entries: [string, number][]) {
  const words: string[] = [];
  const cum: number[] = [];
  let s = 0;
  for (const [w, f] of entries) {
    s += f;
    words.push(w);
    cum.push(s);
  }
  return { words, cum };
}

function pick(dist: { words: string[]; cum: number[] }, r: number): string {
  const x = r * dist.cum[dist.cum.length - 1];
  let lo = 0;
  let hi = dist.cum.length - 1;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (dist.cum[m] < x) lo = m + 1;
    else hi = m;
  }
  return dist.words[lo];
}

/** The word model: frequencies from the real corpus, split into common words and forty topics. */
export function buildModel(seed = 1): Model {
  const freq = new Map<string, number>();
  for (const line of readFileSync(CORPUS, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { title: string; body: string };
    for (const t of queryTokens(`${d.title}。${d.body}`)) freq.set(t, (freq.get(t) ?? 0) + 1);
  }
  const ranked = [...freq.entries()].sort((a, b) => b[1] - a[1]);
  // the 150 most frequent words are everywhere (的 is dropped by queryTokens already); the rest are topical
  const common = cumulative(ranked.slice(0, 150));
  const rest = ranked.slice(150);
  const random = rng(seed);
  const topicNames = Object.keys(TOPIC_WORDS);
  const topics = Array.from({ length: 40 }, (_, i) => {
    const own = TOPIC_WORDS[topicNames[i % topicNames.length]].map((w): [string, number] => [w, 40]);
    const sample: [string, number][] = [];
    for (let k = 0; k < 400; k++) sample.push(rest[Math.floor(random() ** 2 * rest.length)]);
    return cumulative([...own, ...sample]);
  });
  // a long tail of rare words (names of places, companies, projects) that no model of real text would repeat
  const chars = '青山溪石门城关东西南北中华兴隆安康泰和平乐富民强新源丰茂林江河湖海峰岭桥塘湾';
  const rare = Array.from({ length: 50_000 }, () =>
    Array.from({ length: 3 }, () => chars[Math.floor(random() * chars.length)]).join(''),
  );
  return { common, topics, rare };
}

/** Genres and the demo county's column each is published in. */
const GENRES: [string, string][] = [
  ['通知公告', '通知公告'],
  ['工作动态', '工作动态'],
  ['其他文件', '其他文件'],
  ['行政规范性文件', '行政规范性文件'],
  ['政策解读', '政策解读'],
  ['人事信息', '人事信息'],
  ['财政信息', '财政资金'],
  ['规划计划', '规划计划'],
];

/** The n-th document of the corpus made with this seed; the same arguments give the same document. */
export function generate(model: Model, n: number, seed = 1): GeneratedDoc {
  const r = rng(seed * 1_000_003 + n);
  const topicA = model.topics[Math.floor(r() * model.topics.length)];
  const topicB = model.topics[Math.floor(r() * model.topics.length)];
  const word = () => {
    const x = r();
    if (x < 0.45) return pick(model.common, r());
    if (x < 0.85) return pick(topicA, r());
    if (x < 0.98) return pick(topicB, r());
    return model.rare[Math.floor(r() * model.rare.length)];
  };
  const topical = () => pick(r() < 0.7 ? topicA : topicB, r());
  const length = 60 + Math.floor(r() * r() * 1400);
  const sentences: string[] = [];
  for (let i = 0; i < length; ) {
    const k = 6 + Math.floor(r() * 14);
    sentences.push(Array.from({ length: k }, word).join(''));
    i += k;
  }
  const year = 2008 + Math.floor(r() * 19);
  const agency = AGENCIES[Math.floor(r() * AGENCIES.length)];
  const [genre, channel] = GENRES[Math.floor(r() * GENRES.length)];
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  return {
    id: `gen-${seed}-${n}`,
    title: `关于${Array.from({ length: 2 + Math.floor(r() * 4) }, topical).join('')}${['的通知', '的公告', '工作方案', '的实施意见', '情况公示'][Math.floor(r() * 5)]}`,
    docNo: r() < 0.4 ? `${agency.short}〔${year}〕${1 + Math.floor(r() * 300)}号` : null,
    agency: agency.name,
    genre,
    channel,
    publishedOn: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    validity: r() < 0.85 ? '有效' : r() < 0.5 ? '废止' : '失效',
    body: `${sentences.join('。')}。`,
  };
}

/** Writes `n` generated documents as JSONL (the import's input); `each` sees every one as it is written. */
export async function writeGenerated(
  file: string,
  n: number,
  seed: number,
  each?: (d: GeneratedDoc, i: number) => void,
): Promise<void> {
  const model = buildModel(seed);
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    const d = generate(model, i, seed);
    each?.(d, i);
    if (!out.write(`${JSON.stringify(d)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error) => (e ? j(e) : r())));
}

/** How an import reads a generated document's fields (`generate`). */
export const GENERATED_MAPPING = {
  sourceId: 'id',
  title: 'title',
  body: 'body',
  publishedOn: 'publishedOn',
  docNo: 'docNo',
  agency: 'agency',
  column: 'channel',
  genre: 'genre',
  validity: 'validity',
};

/** Where the benches import into: the demo site, its agencies in order and the 其他文件 column for the rest. */
export async function demoTarget(ctx: Ctx) {
  const site = await ctx.db.selectFrom('sites').select('id').where('code', '=', 'demo').executeTakeFirstOrThrow();
  const agencies = await ctx.db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('site_id', '=', site.id)
    .orderBy('sort')
    .execute();
  const column = await ctx.db.selectFrom('columns').select('id').where('slug', '=', 'qtwj').executeTakeFirstOrThrow();
  return { siteId: site.id, agencies, columnId: column.id };
}

/** Loads a file through the real bulk import (the same path as the back office); returns the import's id. */
export async function importFile(
  ctx: Ctx,
  siteId: number,
  file: string,
  settings: Parameters<typeof startImport>[4],
  onProgress?: Parameters<typeof runImport>[2],
): Promise<number> {
  const id = await createImport(ctx, SYSTEM, siteId, { filename: path.basename(file), path: file });
  await startImport(ctx, SYSTEM, siteId, id, settings);
  await runImport(ctx, id, onProgress);
  return id;
}
