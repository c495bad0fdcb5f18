import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DATABASES, freshDb, testCtx } from '../../test/support/db.ts';
import { buildApp } from '../app.ts';
import type { Ctx } from '../core/context.ts';
import { loadDemo } from './demo.ts';

for (const kind of DATABASES) {
  describe(`the demo site is right, on ${kind}`, () => {
    let ctx: Ctx;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db);
      await loadDemo(ctx, { publications: 120, cases: false });
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    test('each 政策解读 explains the policy it names', async () => {
      const links = await ctx.db
        .selectFrom('edition_interprets')
        .innerJoin('editions as i', 'i.id', 'edition_interprets.edition_id')
        .innerJoin('editions as p', (j) =>
          j.onRef('p.publication_id', '=', 'edition_interprets.policy_id').on('p.state', '=', 'published'),
        )
        .select(['i.title as interpretation', 'p.title as policy'])
        .execute();
      assert.ok(links.length > 3, `${links.length} interpretations`);
      for (const l of links) {
        const named = l.interpretation.match(/《(.+)》政策解读/)?.[1];
        assert.ok(named && l.policy.includes(named), `${l.interpretation} → ${l.policy}`);
      }
    });

    test('互动交流 has a survey with its results, one open, a past interview with its transcript and one announced', async () => {
      const list = await app.inject({ method: 'GET', url: '/survey' });
      assert.match(list.body, /城区公共交通服务满意度调查/);
      assert.match(list.body, /2027年县政府民生实事项目征集调查/);
      const id = /href="\/survey\/(\d+)"[^>]*>城区公共交通服务满意度调查/.exec(list.body)![1];
      const survey = await app.inject({ method: 'GET', url: `/survey/${id}` });
      assert.match(survey.body, /共收到答卷 160 份/);
      assert.match(survey.body, /<svg[^>]*role="img"/);
      const interviews = await app.inject({ method: 'GET', url: '/interviews' });
      assert.match(interviews.body, /预告/);
      const past = /href="\/interviews\/(\d+)"[^>]*>县教育局局长谈/.exec(interviews.body)![1];
      const transcript = await app.inject({ method: 'GET', url: `/interviews/${past}` });
      assert.match(transcript.body, /文字实录/);
      assert.match(transcript.body, /网友“陈\*\*”问/);
      assert.match(transcript.body, /访谈摘要/);
      assert.doesNotMatch(transcript.body, /代办入学/, 'the question turned down is not shown');
      // 互动交流's home lists the newest of each
      const home = (await app.inject({ method: 'GET', url: '/mail' })).body;
      for (const title of [/家庭医生签约服务/, /民生实事项目征集调查/, /养犬管理办法/]) assert.match(home, title);
    });

    test('the menu names the gazette once; its issues are past and list each section once', async () => {
      const home = await app.inject({ method: 'GET', url: '/' });
      const menu = home.body.match(/<nav class="main-nav"[\s\S]*?<\/nav>/)?.[0] ?? '';
      assert.equal(menu.match(/政府公报/g)?.length, 1, menu);
      assert.match(menu, /href="\/gazette"/);
      const issues = await ctx.db.selectFrom('gazette_issues').select(['id', 'issue_date']).execute();
      assert.ok(issues.length > 0);
      const today = new Date().toISOString().slice(0, 10);
      for (const i of issues) {
        assert.ok(i.issue_date <= today, `issue of ${i.issue_date}`);
        const page = await app.inject({ method: 'GET', url: `/gazette/${i.id}` });
        assert.equal(page.statusCode, 200);
        const headings = [...page.body.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
        assert.deepEqual(headings, [...new Set(headings)], `sections of issue ${i.id}`);
      }
    });

    test('the guide and the rules of disclosure have content; guides say how to apply, what it costs, how to appeal', async () => {
      for (const slug of ['gkzn', 'gkzd']) {
        const page = await app.inject({ method: 'GET', url: `/c/${slug}` });
        assert.doesNotMatch(page.body, /本栏目暂无信息/, slug);
      }
      const agency = await ctx.db
        .selectFrom('agencies')
        .select('id')
        .orderBy('sort')
        .offset(2)
        .executeTakeFirstOrThrow();
      const guide = await app.inject({ method: 'GET', url: `/agencies/${agency.id}/guide` });
      assert.match(guide.body, new RegExp(`href="/apply\\?agency=${agency.id}"`));
      assert.match(guide.body, /信息处理费/);
      assert.match(guide.body, /行政复议/);
      assert.match(guide.body, /行政诉讼/);
    });

    test('some documents carry attachments, which open from their pages', async () => {
      const attachment = await ctx.db
        .selectFrom('attachments')
        .innerJoin('editions', 'editions.id', 'attachments.edition_id')
        .select(['attachments.id', 'attachments.filename', 'editions.publication_id'])
        .where('editions.state', '=', 'published')
        .executeTakeFirstOrThrow();
      const page = await app.inject({ method: 'GET', url: `/p/${attachment.publication_id}` });
      assert.ok(page.body.includes(`/files/${attachment.id}/`));
      const file = await app.inject({ method: 'GET', url: `/files/${attachment.id}/x.docx` });
      assert.equal(file.statusCode, 200);
      assert.match(attachment.filename, /^附件：.+\.docx$/);
    });
  });
}
