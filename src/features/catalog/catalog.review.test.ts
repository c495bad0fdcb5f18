import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture, onePagePdf, publishThroughReview } from '../../../test/support/fixture.ts';
import { get, Jar, login, post } from '../../../test/support/http.ts';
import { buildApp } from '../../app.ts';
import type { Ctx } from '../../core/context.ts';
import { actOnEdition, addAttachment, startNewEdition, updateDraft } from './catalog.service.ts';

for (const kind of DATABASES) {
  describe(`what a reviewer sees, on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ LOGIN_PER_MINUTE: '1000' }));
      f = await demoFixture(ctx);
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    test('the edition under review shows the whole document, its columns and agencies, and opens its attachments', async () => {
      const { publicationId, editionId } = await publishThroughReview(ctx, f);
      const editor = await f.actor('editor');
      const next = await startNewEdition(ctx, editor, publicationId);
      await updateDraft(ctx, editor, next, {
        title: '关于做好2026年冬季安全生产工作的通知',
        docNo: '青政办〔2026〕31号',
        writtenOn: '2026-11-20',
        genre: '其他文件',
        themeCategory: '市场监管、安全生产监管',
        keywords: '安全生产 冬季',
        bodyHtml: '<p>各乡镇人民政府，县政府各部门：</p><p>现就做好冬季安全生产和森林防火工作通知如下。</p>',
        agencyIds: [f.agencies[1].id, f.agencies[2].id],
        columnIds: [f.columns.get('qtwj')!],
        changeNote: '增加森林防火',
      });
      const pdf = onePagePdf('Fire check list');
      const attachmentId = await addAttachment(ctx, editor, next, '检查表.pdf', pdf);
      await actOnEdition(ctx, editor, next, 'submit');

      const reviewer = await login(app, 'reviewer');
      const page = await get(app, reviewer.jar, `/admin/editions/${next}`);
      assert.equal(page.statusCode, 200);
      const html = page.body;
      // the document as the public will read it
      assert.match(html, /全文（公开后的样子）/);
      assert.match(html, /现就做好冬季安全生产和森林防火工作通知如下/);
      assert.match(html, /青政办〔2026〕31号/);
      assert.match(html, /2026-11-20/);
      assert.match(html, new RegExp(`${f.agencies[1].name}、${f.agencies[2].name}`));
      assert.match(html, /所属栏目<\/th>\s*<td>其他文件<\/td>/);
      // what it changes of the live edition
      assert.match(html, /与现行第 1 版的差异/);
      assert.match(html, /<th scope="row">发文机关<\/th>/);
      assert.match(html, /<th scope="row">所属栏目<\/th>\s*<td><del>其他文件、安全生产<\/del>/);
      assert.match(html, /安全生产<\/span><ins>和森林防火<\/ins><span>工作/);
      assert.match(html, /<ins>检查表.pdf<\/ins>/);
      // the attachment opens in the browser for staff of the agency, not for others, not publicly before publication
      const href = `/admin/editions/${next}/attachments/${attachmentId}/${encodeURIComponent('检查表.pdf')}`;
      assert.ok(html.includes(href), 'the attachment is linked');
      const file = await get(app, reviewer.jar, href);
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'application/pdf');
      assert.match(String(file.headers['content-disposition']), /^inline; filename\*=UTF-8''/);
      assert.equal(file.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(file.rawPayload, pdf);
      const edu = await login(app, 'edu-reviewer', 'edu-password-1');
      assert.equal((await get(app, edu.jar, href)).statusCode, 404);
      const anonymous = await get(app, new Jar(), href);
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/admin\/login/);
      assert.equal((await get(app, new Jar(), `/files/${attachmentId}/x.pdf`)).statusCode, 404);
      // an attachment of another edition is not reached through this one
      assert.equal(
        (await get(app, reviewer.jar, `/admin/editions/${editionId}/attachments/${attachmentId}/x.pdf`)).statusCode,
        404,
      );

      // the preview: the site's frame, marked as not public, with the attachment opening in the back office
      const preview = await get(app, reviewer.jar, `/admin/editions/${next}/preview`);
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /这是本版发布后公开页面的样子，尚未公开/);
      assert.match(preview.body, /<h1 class="doc-title">关于做好2026年冬季安全生产工作的通知<\/h1>/);
      assert.match(preview.body, /class="site-name"/);
      assert.ok(preview.body.includes(href));
      assert.equal((await get(app, edu.jar, `/admin/editions/${next}/preview`)).statusCode, 404);
    });

    test('the form: nothing ticked as issuer by default, policies picked from a searchable list, a bad pick refused', async () => {
      const policy = await publishThroughReview(ctx, f, { title: '青山县冬季供暖保障办法', genre: '行政规范性文件' });
      const editor = await login(app, 'editor');
      const form = await get(app, editor.jar, '/admin/publications/new');
      assert.doesNotMatch(
        form.body,
        /name="agencyIds" value="\d+" checked/,
        'no issuer is ticked before the owner is chosen',
      );
      assert.match(
        form.body,
        new RegExp(`<option value="青山县冬季供暖保障办法（青政办〔2026〕31号） #${policy.publicationId}"`),
      );
      const fields = {
        title: '《青山县冬季供暖保障办法》政策解读',
        genre: '政策解读',
        interpretationKind: 'text',
        bodyHtml: '<p>解读正文。</p>',
        columnIds: [String(f.columns.get('zcjd') ?? f.columns.get('qtwj'))],
        ownerAgencyId: String(f.agencies[1].id),
      };
      const bad = await post(
        app,
        editor.jar,
        '/admin/publications',
        { ...fields, interpretsPick: '供暖' },
        editor.csrf,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /请从列表中选择要解读的文件/);
      assert.match(bad.body, /value="供暖"/, 'what was typed stays in the field');
      const ok = await post(
        app,
        editor.jar,
        '/admin/publications',
        { ...fields, interpretsPick: `青山县冬季供暖保障办法（青政办〔2026〕31号） #${policy.publicationId}` },
        editor.csrf,
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
      const editionId = Number(String(ok.headers.location).match(/editions\/(\d+)/)![1]);
      const links = await ctx.db
        .selectFrom('edition_interprets')
        .select('policy_id')
        .where('edition_id', '=', editionId)
        .execute();
      assert.deepEqual(
        links.map((l) => l.policy_id),
        [policy.publicationId],
      );
      const issuers = await ctx.db
        .selectFrom('edition_agencies')
        .select('agency_id')
        .where('edition_id', '=', editionId)
        .execute();
      assert.deepEqual(
        issuers.map((i) => i.agency_id),
        [f.agencies[1].id],
        'the publishing agency issues it when no issuer is ticked',
      );
      // the draft's form shows the linked policy ticked, to keep or drop
      const page = await get(app, editor.jar, `/admin/editions/${editionId}`);
      assert.match(page.body, new RegExp(`name="interpretsIds" value="${policy.publicationId}" checked`));
    });

    test('a first edition has no differences to show; an unchanged new edition says so', async () => {
      const { publicationId, editionId } = await publishThroughReview(ctx, f, { title: '关于开展冬季消防检查的通知' });
      const reviewer = await login(app, 'reviewer');
      const first = await get(app, reviewer.jar, `/admin/editions/${editionId}`);
      assert.doesNotMatch(first.body, /与现行第/);
      const next = await startNewEdition(ctx, await f.actor('editor'), publicationId);
      const same = await get(app, reviewer.jar, `/admin/editions/${next}`);
      assert.match(same.body, /本版与现行版本内容相同/);
    });
  });
}
