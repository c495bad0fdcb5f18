import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, draftFields, type Fixture, publishThroughReview } from '../../../test/support/fixture.ts';
import { get, Jar, login, post } from '../../../test/support/http.ts';
import { buildApp } from '../../app.ts';
import type { Ctx } from '../../core/context.ts';
import { newSearch } from '../../sources.ts';
import { saveGazetteIssue } from '../catalog/catalog.gazette.service.ts';
import { actOnEdition, changeLiveStatus, startNewEdition, updateDraft } from '../catalog/catalog.service.ts';
import { findDocuments } from './search.service.ts';

interface ApiResult {
  total: number;
  items: {
    kind: string;
    id: number;
    title: string;
    date: string;
    exact: boolean;
    snippet: string;
    badge: string | null;
    facts: string[];
  }[];
  suggestions: { q: string; count: number }[];
}

for (const kind of DATABASES) {
  describe(`search on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    let policyId: number;
    let indexNo: string;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ REQUESTS_PER_MINUTE: '100000', LOGIN_PER_MINUTE: '1000' }));
      f = await demoFixture(ctx, 40);
      app = await buildApp(ctx);
      // a policy with a document number, through both reviews
      const done = await publishThroughReview(ctx, f, {
        title: '青山县人民政府办公室关于城乡低保资金发放管理的通知',
        docNo: '青政办〔2026〕31号',
        keywords: '低保 资金发放',
        bodyHtml: '<p>为规范城乡最低生活保障资金发放，确保资金及时足额发放到户，现就有关事项通知如下。</p>',
      });
      policyId = done.publicationId;
      indexNo = done.indexNo!;
    });
    after(async () => {
      await app.close();
      await close();
    });

    const api = async (query: string): Promise<ApiResult> => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/sites/demo/search?${query}` });
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      return res.json();
    };

    test('a published document is found at once, its words marked on the page', async () => {
      const r = await api(`q=${encodeURIComponent('低保 资金')}`);
      assert.ok(r.total >= 1);
      assert.equal(r.items[0].id, policyId, 'the title match ranks first');
      const page = await get(app, new Jar(), `/search?q=${encodeURIComponent('低保 资金')}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<mark>低保/);
      assert.match(page.body, /找到 \d+ 条结果/);
      assert.match(page.body, new RegExp(`href="/p/${policyId}"`));
      // the same page under the path prefix, and the header's search box on every page
      const prefixed = await get(app, new Jar(), `/s/demo/search?q=${encodeURIComponent('低保')}`);
      assert.match(prefixed.body, new RegExp(`href="/s/demo/p/${policyId}"`));
      assert.match((await get(app, new Jar(), '/')).body, /action="\/search"/);
    });

    test('document numbers in their common variants and the 索引号 find the document first', async () => {
      for (const v of ['青政办〔2026〕31号', '青政办[2026]31号', '青政办（2026）31号', '青政办2026年31号']) {
        const r = await api(`q=${encodeURIComponent(v)}`);
        assert.equal(r.items[0]?.id, policyId, v);
        assert.equal(r.items[0].exact, true, v);
      }
      const r = await api(`q=${encodeURIComponent(indexNo)}`);
      assert.equal(r.items[0]?.id, policyId);
      assert.equal(r.items[0].exact, true);
    });

    test('traditional characters and full-width forms find simplified text', async () => {
      const simplified = await api(`q=${encodeURIComponent('城乡低保资金')}`);
      const traditional = await api(`q=${encodeURIComponent('城鄉低保資金')}`);
      assert.ok(traditional.total >= 1);
      assert.deepEqual(
        traditional.items.map((i) => i.id),
        simplified.items.map((i) => i.id),
      );
      const wide = await api(`q=${encodeURIComponent('青政办［２０２６］３１号')}`);
      assert.equal(wide.items[0]?.id, policyId);
    });

    test('phrases must appear as written; excluded words keep documents out', async () => {
      const phrase = await api(`q=${encodeURIComponent('"足额发放到户"')}`);
      assert.deepEqual(
        phrase.items.map((i) => i.id),
        [policyId],
      );
      // a phrase of one character, inside a word (到户), is found by the confirmation alone
      const single = await api(`q=${encodeURIComponent('"户"')}`);
      assert.ok(single.items.some((i) => i.id === policyId));
      // a phrase that begins and ends inside words (足额, 到户) is found as well
      const inside = await api(`q=${encodeURIComponent('"额发放到"')}`);
      assert.deepEqual(
        inside.items.map((i) => i.id),
        [policyId],
      );
      const scrambled = await api(`q=${encodeURIComponent('"发放到户足额"')}`);
      assert.equal(scrambled.total, 0);
      const all = await api(`q=${encodeURIComponent('低保')}`);
      const without = await api(`q=${encodeURIComponent('低保 -足额')}`);
      assert.ok(all.items.some((i) => i.id === policyId));
      assert.ok(!without.items.some((i) => i.id === policyId));
    });

    test('a phrase broken by spaces in the text is found; phrase results page on past the first page', async () => {
      const { publicationId: spaced } = await publishThroughReview(ctx, f, {
        title: '关于补贴资金兑付情况的公示',
        docNo: '',
        bodyHtml: '<p>各项补贴已足额 发放到户，现予公示。</p>',
      });
      const search = (page: number) =>
        findDocuments(
          ctx,
          { siteId: f.siteId, q: '"足额发放到户"', sort: 'relevance', page, pageSize: 1 },
          '2026-11-24',
        );
      const first = await search(1);
      assert.equal(first.hits.length, 1);
      assert.ok(first.total >= 2, 'the total shows there is a next page');
      const second = await search(2);
      assert.deepEqual([first.hits[0].id, second.hits[0]?.id].sort(), [policyId, spaced].sort());
    });

    test('a phrase held by many documents: only what the page needs is confirmed, and the total is an estimate', async () => {
      const search = (page: number, pageSize: number) =>
        findDocuments(ctx, { siteId: f.siteId, q: '"的通知"', sort: 'date', page, pageSize }, '2026-11-24');
      const all = await search(1, 100);
      assert.ok(all.totalExact);
      assert.ok(all.total > 12, `${all.total}`);
      const first = await search(1, 3);
      assert.equal(first.totalExact, false);
      assert.ok(Math.abs(first.total - all.total) <= all.total * 0.2, `${first.total} of ${all.total}`);
      const second = await search(2, 3);
      assert.deepEqual(
        [...first.hits, ...second.hits].map((h) => h.id),
        all.hits.slice(0, 6).map((h) => h.id),
      );
      // a page of 20 confirms them all: the page gives the exact count
      const html = await get(app, new Jar(), `/search?q=${encodeURIComponent('"的通知"')}&sort=date`);
      assert.match(html.body, new RegExp(`找到 ${all.total} 条结果`));
    });

    test('a phrase written in traditional characters or full-width forms in the text is found too', async () => {
      const { publicationId: traditional } = await publishThroughReview(ctx, f, {
        title: '關於農村危房改造補助資金的公告',
        docNo: '',
        bodyHtml: '<p>補助資金已經全額撥付到戶，請予監督。</p>',
      });
      const found = await findDocuments(
        ctx,
        { siteId: f.siteId, q: '"全额拨付到户"', sort: 'relevance', page: 1, pageSize: 10 },
        '2026-11-24',
      );
      assert.deepEqual(
        found.hits.map((h) => h.id),
        [traditional],
      );
    });

    test('filters by agency, genre, validity, column and year; sorts by date', async () => {
      const byAgency = await api(`q=${encodeURIComponent('低保')}&agency=${f.agencies[1].id}`);
      assert.ok(byAgency.items.some((i) => i.id === policyId));
      const other = await api(`q=${encodeURIComponent('低保')}&agency=${f.agencies[5].id}`);
      assert.ok(!other.items.some((i) => i.id === policyId));
      assert.ok((await api(`q=${encodeURIComponent('低保')}&genre=其他文件`)).items.some((i) => i.id === policyId));
      assert.ok(!(await api(`q=${encodeURIComponent('低保')}&genre=规章`)).items.some((i) => i.id === policyId));
      assert.ok((await api(`q=${encodeURIComponent('低保')}&column=zcwj`)).items.some((i) => i.id === policyId));
      assert.ok(!(await api(`q=${encodeURIComponent('低保')}&column=gzdt`)).items.some((i) => i.id === policyId));
      const year = new Date().getFullYear();
      assert.ok(
        (await api(`q=${encodeURIComponent('低保')}&from=${year}&to=${year}`)).items.some((i) => i.id === policyId),
      );
      assert.equal((await api(`q=${encodeURIComponent('低保')}&to=2000`)).total, 0);
      const dated = await api(`q=${encodeURIComponent('工作')}&sort=date`);
      const dates = dated.items.map((i) => i.date);
      assert.ok(dated.total > 1);
      assert.deepEqual(dates, [...dates].sort().reverse());
    });

    test('synonyms find what documents call otherwise; a compound word that finds nothing is split, and the page says so', async () => {
      const formal = await api(`q=${encodeURIComponent('最低生活保障')}`);
      assert.ok(
        formal.items.some((i) => i.id === policyId),
        '最低生活保障 finds 低保',
      );
      const { publicationId } = await publishThroughReview(ctx, f, {
        title: '关于开展旅游景区安全大检查的通知',
        docNo: '',
        bodyHtml: '<p>各景区：开展安全大检查。</p>',
      });
      const r = (await api(`q=${encodeURIComponent('旅游景区 安全检查')}`)) as ApiResult & { relaxed: string | null };
      assert.equal(r.items[0]?.id, publicationId);
      assert.equal(r.relaxed, '旅游 景区 安全 检查');
      const page = await get(app, new Jar(), `/search?q=${encodeURIComponent('旅游景区 安全检查')}`);
      assert.match(page.body, /没有完全匹配“旅游景区 安全检查”的结果/);
    });

    test('nothing found: broader queries are suggested, and they find something', async () => {
      const r = await api(`q=${encodeURIComponent('低保 甲乙丙丁')}`);
      assert.equal(r.total, 0);
      assert.ok(r.suggestions.some((s) => s.q === '低保' && s.count > 0));
      const page = await get(app, new Jar(), `/search?q=${encodeURIComponent('低保 甲乙丙丁')}`);
      assert.match(page.body, /没有找到相关结果/);
      assert.match(page.body, /去掉/);
    });

    test('a withdrawn or unpublished document leaves the results at once; a new edition replaces the old text', async () => {
      const editor = await f.actor('editor');
      const make = async (title: string) => (await publishThroughReview(ctx, f, { title, docNo: '' })).publicationId;
      const a = await make('关于开展犀牛保护宣传月活动的通知');
      assert.equal((await api(`q=${encodeURIComponent('犀牛保护')}`)).items[0]?.id, a);
      await changeLiveStatus(ctx, await f.actor('reviewer'), a, 'withdraw', { reason: '内容有误' });
      assert.equal((await api(`q=${encodeURIComponent('犀牛保护')}`)).total, 0);

      const b = await make('关于开展大熊猫保护宣传月活动的通知');
      assert.equal((await api(`q=${encodeURIComponent('大熊猫')}`)).total, 1);
      await changeLiveStatus(ctx, await f.actor('office'), b, 'unpublish', { reason: '重复发布' });
      assert.equal((await api(`q=${encodeURIComponent('大熊猫')}`)).total, 0);

      const c = await make('关于开展金丝猴保护宣传月活动的通知');
      const next = await startNewEdition(ctx, editor, c);
      await updateDraft(ctx, editor, next, {
        ...draftFields(f, 1, { title: '关于开展白鹭保护宣传月活动的通知', docNo: '' }),
        changeNote: '更正物种',
      });
      assert.equal(
        (await api(`q=${encodeURIComponent('金丝猴')}`)).total,
        1,
        'the live edition stays until the new one is published',
      );
      await actOnEdition(ctx, editor, next, 'submit');
      await actOnEdition(ctx, await f.actor('reviewer'), next, 'approve_review');
      await actOnEdition(ctx, await f.actor('secrecy'), next, 'approve_confidentiality');
      assert.equal((await api(`q=${encodeURIComponent('金丝猴')}`)).total, 0);
      assert.equal((await api(`q=${encodeURIComponent('白鹭')}`)).items[0]?.id, c);
    });

    test('gazette issues are found by their contents', async () => {
      const office = await f.actor('office');
      const id = await saveGazetteIssue(ctx, office, f.siteId, {
        year: 2026,
        number: 12,
        issueDate: '2026-11-30',
        published: true,
        entries: [
          { section: '县政府文件', title: '青山县人民政府关于表彰朱鹮保护先进集体的决定', publicationId: null },
        ],
      });
      const r = await api(`q=${encodeURIComponent('朱鹮')}`);
      assert.equal(r.items[0]?.kind, 'g');
      assert.equal(r.items[0]?.id, id);
      assert.equal((await api(`q=${encodeURIComponent('朱鹮')}&kind=p`)).total, 0);
    });

    test('the index is saved, reopened and caught up with what changed meanwhile; a rebuild finds the same', async () => {
      const saved = testConfig();
      const first = newSearch(saved);
      await first.open(ctx.db, { wait: true });
      const query = { siteId: f.siteId, q: '低保', sort: 'relevance' as const, page: 1, pageSize: 50 };
      const today = '2026-11-24';
      const before = await findDocuments({ ...ctx, search: first }, query, today);
      assert.ok(before.total >= 1);
      await first.save();
      // while this index is "down", a document is withdrawn
      await changeLiveStatus(ctx, await f.actor('reviewer'), policyId, 'withdraw', { reason: '另行发布' });
      const reopened = newSearch(saved);
      await reopened.open(ctx.db);
      const afterwards = await findDocuments({ ...ctx, search: reopened }, query, today);
      assert.equal(afterwards.total, before.total - 1);
      assert.ok(!afterwards.hits.some((h) => h.id === policyId && h.kind === 'p'));
      const rebuilt = newSearch(testConfig(), false);
      await rebuilt.rebuild(ctx.db);
      assert.deepEqual(
        (await findDocuments({ ...ctx, search: rebuilt }, query, today)).hits.map((h) => h.id),
        afterwards.hits.map((h) => h.id),
      );
    });

    test('the office extends the dictionary: every instance rebuilds, and the new word is matched whole', async () => {
      // jieba's dictionary belongs to the process, which runs both databases' tests: a word for each
      const town = kind === 'pglite' ? '溪口' : '石门';
      const word = `${town}智慧办`;
      const _editor = await f.actor('editor');
      const publish = async (title: string, body: string) =>
        (await publishThroughReview(ctx, f, { title, docNo: '', bodyHtml: `<p>${body}</p>` })).publicationId;
      const whole = await publish(`${word}平台上线`, `${word}平台今日上线。`);
      const scattered = await publish(`${town}镇推进智慧社区建设`, `${town}镇推进智慧社区建设，群众的事情就近办。`);
      const before = await api(`q=${encodeURIComponent(word)}`);
      assert.ok(
        before.items.some((i) => i.id === scattered),
        'split into words, the query also finds the scattered one',
      );

      const refused = await login(app, 'editor');
      const denied = await post(app, refused.jar, '/admin/search/terms', { terms: word }, refused.csrf);
      assert.equal(denied.statusCode, 403);
      const { jar, csrf } = await login(app, 'office');
      const bad = await post(app, jar, '/admin/search/terms', { terms: 'x' }, csrf);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /每个词须为 2–20 个汉字、字母或数字/);
      const ok = await post(app, jar, '/admin/search/terms', { terms: `${word}，青山通` }, csrf);
      assert.equal(ok.statusCode, 303);
      await ctx.search.settled();
      const afterwards = await api(`q=${encodeURIComponent(word)}`);
      assert.deepEqual(
        afterwards.items.map((i) => i.id),
        [whole],
      );
      assert.match((await get(app, jar, '/admin/search')).body, /青山通/);
      const rebuild = await post(app, jar, '/admin/search/rebuild', {}, csrf);
      assert.equal(rebuild.statusCode, 303);
      await ctx.search.settled();
      assert.deepEqual(
        (await api(`q=${encodeURIComponent(word)}`)).items.map((i) => i.id),
        [whole],
      );
    });

    test('no search gets a 500, whatever its parameters (fast-check)', async () => {
      const hostile = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.constantFrom(
          '"',
          '""',
          '-',
          '--',
          '"-"',
          '"税"',
          '"。。"',
          '"的"',
          '“ ”',
          '〔〕号',
          '/-',
          '((',
          "' or 1=1 --",
          '<script>',
          '\u0000',
          '9'.repeat(30),
        ),
      );
      await fc.assert(
        fc.asyncProperty(hostile, hostile, hostile, async (q, a, b) => {
          const enc = (s: string) => encodeURIComponent(s.toWellFormed());
          for (const url of [
            `/search?q=${enc(q)}&agency=${enc(a)}&column=${enc(b)}&from=${enc(a)}&to=${enc(b)}&page=${enc(a)}&sort=${enc(b)}`,
            `/api/v1/sites/demo/search?q=${enc(q)}%ff&genre=${enc(a)}&theme=${enc(b)}&validity=${enc(a)}&kind=${enc(b)}`,
          ]) {
            const res = await app.inject({ method: 'GET', url });
            if (res.statusCode !== 200) return false;
          }
          return true;
        }),
        { numRuns: 100 },
      );
    });
  });
}
