/**
 * The contract every search backend passes (core/search.ts `SearchBackend`): the same fixed corpus and queries,
 * the same result sets, and the same order where the order is defined (exact numbers first, newest first by date,
 * a title match above a passing mention). A new backend (OpenSearch, Elasticsearch …) runs `backendContract` with
 * its own factory; the local backend runs it in search.local.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackendQuery, KindDoc, SearchBackend, SearchDoc } from '../../core/search.ts';
import { planQuery, type SearchRequest } from './search.service.ts';

const TODAY = '2026-11-24';

/** Ten documents of two sites, two kinds, three agencies and two columns, over six years. */
export const CONTRACT_CORPUS: KindDoc[] = (
  [
    [
      1,
      1,
      '关于做好2025年城乡最低生活保障工作的通知',
      '低保 社会救助',
      '各乡镇做好城乡低保对象的认定和资金发放。',
      10,
      100,
      '2025-03-01',
      '青民〔2025〕3号',
      true,
    ],
    [
      2,
      1,
      '县民政局2024年工作总结',
      '工作总结',
      '全年发放低保资金三千万元，临时救助五百人次。',
      10,
      100,
      '2024-12-30',
      '',
      true,
    ],
    [
      3,
      1,
      '关于印发农村危房改造实施方案的通知',
      '危房改造',
      '对农村低收入群体的危房实施改造，保障住房安全。',
      11,
      101,
      '2023-05-10',
      '青政办〔2023〕12号',
      true,
    ],
    [
      4,
      1,
      '关于开展安全生产大检查的通知',
      '安全生产',
      '开展安全生产大检查，排查整治重大事故隐患。',
      12,
      101,
      '2022-08-01',
      '',
      false,
    ],
    [
      5,
      1,
      '城乡最低生活保障资金管理办法',
      '低保 资金管理',
      '规范低保资金的申请、审核和发放，严禁挤占挪用。',
      10,
      100,
      '2021-06-15',
      '青财〔2021〕7号',
      true,
    ],
    [
      6,
      1,
      '关于调整城乡低保标准的公告',
      '低保标准',
      '自2026年1月1日起，城市低保标准调整为每人每月800元。',
      10,
      100,
      '2026-01-01',
      '',
      true,
    ],
    [
      7,
      1,
      '政府公报2025年第1期',
      '',
      '县政府文件 关于做好2025年城乡最低生活保障工作的通知',
      10,
      100,
      '2025-04-01',
      '',
      true,
    ],
    [8, 2, '关于做好最低生活保障工作的通知', '低保', '另一个县的低保通知。', 20, 200, '2025-03-02', '', true],
    [
      9,
      1,
      '污染防治攻坚战实施方案',
      '生态环境',
      '坚决打好污染防治攻坚战，改善生态环境质量。',
      12,
      101,
      '2024-02-20',
      '',
      true,
    ],
    [
      10,
      1,
      '关于公布政府信息公开指南的通知',
      '公开指南',
      '本机关政府信息公开指南如下，申请人可以通过网络提出申请。',
      11,
      100,
      '2020-09-09',
      '',
      true,
    ],
  ] as const
).map(([id, siteId, title, meta, body, agency, column, date, docNo, valid]) => ({
  kind: id === 7 ? 'g' : 'p',
  doc: {
    id,
    siteId,
    title,
    meta,
    body,
    filters: [
      `a:${agency}`,
      `c:${column}`,
      `g:${id === 6 ? '通知公告' : '其他文件'}`,
      `v:${valid ? 'valid' : 'repealed'}`,
    ],
    docNo: docNo || undefined,
    indexNo: id === 3 ? '11350100MB0000000X/2023-00012' : undefined,
    date,
    valid,
  } satisfies SearchDoc,
}));

/** A backend's query for a reader's query, planned as the search service plans it. */
export function contractQuery(q: string, more: Partial<SearchRequest> = {}, pageSize = 20): BackendQuery {
  return planQuery({ siteId: 1, q, sort: 'relevance', page: 1, pageSize, ...more }, TODAY).base;
}

const keys = async (b: SearchBackend, q: BackendQuery) => (await b.search(q)).hits.map((h) => h.key);
const set = async (b: SearchBackend, q: BackendQuery) => (await keys(b, q)).sort();

async function* pages(docs: KindDoc[], size: number): AsyncIterable<KindDoc[]> {
  for (let i = 0; i < docs.length; i += size) yield docs.slice(i, i + size);
}

/** Runs the contract against backends made by `make` (each test gets a fresh one, loaded with the corpus). */
export function backendContract(name: string, make: () => Promise<SearchBackend>) {
  describe(`search backend contract: ${name}`, () => {
    const loaded = async () => {
      const b = await make();
      await b.open([]);
      await b.apply(CONTRACT_CORPUS, []);
      return b;
    };
    const withBackend = (title: string, run: (b: SearchBackend) => Promise<void>) =>
      test(title, async () => {
        const b = await loaded();
        try {
          await run(b);
        } finally {
          await b.close();
        }
      });

    withBackend(
      'every word must match; a title match ranks above a passing mention; total and count agree',
      async (b) => {
        assert.equal(b.size, CONTRACT_CORPUS.length);
        const q = contractQuery('低保');
        assert.deepEqual(await set(b, q), ['g:7', 'p:1', 'p:2', 'p:5', 'p:6'].sort());
        const ranked = await keys(b, q);
        assert.ok(ranked.indexOf('p:6') < ranked.indexOf('p:2'), 'a title match ranks above a mention in the body');
        const both = contractQuery('低保 资金');
        assert.deepEqual(await set(b, both), ['p:1', 'p:2', 'p:5'].sort());
        assert.equal((await b.search(both)).total, 3);
        assert.equal(await b.count(both), 3);
        assert.deepEqual(await set(b, contractQuery('低保 火星')), []);
      },
    );

    withBackend('excluded words, sites, kinds, agencies, columns and years filter', async (b) => {
      assert.deepEqual(await set(b, contractQuery('低保 -资金')), ['g:7', 'p:6'].sort());
      assert.deepEqual(await set(b, { ...contractQuery('低保'), filters: ['s:2'] }), ['p:8']);
      assert.deepEqual(await set(b, contractQuery('低保', { kind: 'g' })), ['g:7']);
      assert.deepEqual(await set(b, contractQuery('通知', { agencyId: 11 })), ['p:10', 'p:3'].sort());
      assert.deepEqual(await set(b, contractQuery('通知', { columnIds: [101] })), ['p:3', 'p:4'].sort());
      assert.deepEqual(await set(b, contractQuery('低保', { yearFrom: 2025, yearTo: 2025 })), ['g:7', 'p:1'].sort());
      assert.deepEqual(await set(b, contractQuery('低保', { genre: '通知公告' })), ['p:6']);
      assert.deepEqual(await set(b, contractQuery('安全', { validity: 'valid' })), ['p:3']);
    });

    withBackend('document and index numbers match in their written variants and rank first', async (b) => {
      for (const written of ['青政办〔2023〕12号', '青政办[2023]12号', '青政办（2023）12号'])
        assert.equal((await keys(b, contractQuery(written)))[0], 'p:3', written);
      assert.deepEqual(await keys(b, contractQuery('11350100MB0000000X/2023-00012')), ['p:3']);
      const mixed = await keys(b, contractQuery('青民〔2025〕3号 低保'));
      assert.equal(mixed[0], 'p:1', 'the numbered document first, then the word matches');
    });

    withBackend('date order is newest first; pages are slices of the same order', async (b) => {
      const byDate = await keys(b, { ...contractQuery('低保'), sort: 'date' });
      assert.deepEqual(byDate, ['p:6', 'g:7', 'p:1', 'p:2', 'p:5']);
      const all = await keys(b, contractQuery('低保'));
      const second = await keys(b, { ...contractQuery('低保'), offset: 2, limit: 2 });
      assert.deepEqual(second, all.slice(2, 4));
    });

    withBackend('a phrase never loses a document that holds it', async (b) => {
      const found = await set(b, contractQuery('"污染防治攻坚战"'));
      assert.ok(found.includes('p:9'));
      const inside = await set(b, contractQuery('"最低生活保障资金"'));
      assert.ok(inside.includes('p:5'));
    });

    withBackend('replacing and removing documents take effect at once', async (b) => {
      const changed = {
        ...CONTRACT_CORPUS[1],
        doc: { ...CONTRACT_CORPUS[1].doc, title: '县民政局年度报告', body: '养老服务。' },
      };
      await b.apply([changed], ['p:6']);
      assert.deepEqual(await set(b, contractQuery('低保')), ['g:7', 'p:1', 'p:5'].sort());
      assert.deepEqual(await set(b, contractQuery('养老服务')), ['p:2']);
      assert.equal(b.size, CONTRACT_CORPUS.length - 1);
      await b.apply([], ['p:404']);
      assert.equal(b.size, CONTRACT_CORPUS.length - 1, 'removing a key that is not there changes nothing');
    });

    test('a rebuild from pages gives the same results as documents applied one by one', async () => {
      const applied = await loaded();
      const rebuilt = await make();
      try {
        await rebuilt.open([]);
        await rebuilt.rebuild(pages(CONTRACT_CORPUS, 3), []);
        assert.equal(rebuilt.size, applied.size);
        for (const q of ['低保', '通知', '低保 -资金', '青政办〔2023〕12号', '"污染防治攻坚战"'])
          assert.deepEqual(await keys(rebuilt, contractQuery(q)), await keys(applied, contractQuery(q)), q);
      } finally {
        await applied.close();
        await rebuilt.close();
      }
    });
  });
}
