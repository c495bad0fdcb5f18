import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DATABASES } from '../../../test/support/db.ts';
import { draftFields, onePagePdf, publishThroughReview } from '../../../test/support/fixture.ts';
import { get, Jar, login, post } from '../../../test/support/http.ts';
import { webSuite } from '../../../test/support/web.ts';
import { actOnEdition, addAttachment, startNewEdition, updateDraft } from './catalog.service.ts';

for (const kind of DATABASES) {
  describe(`what a reviewer sees, on ${kind}`, () => {
    const w = webSuite(kind);

    test('the edition under review shows the whole document, its columns and agencies, and opens its attachments', async () => {
      const { publicationId, editionId } = await publishThroughReview(w.ctx, w.f);
      const editor = await w.f.actor('editor');
      const next = await startNewEdition(w.ctx, editor, publicationId);
      await updateDraft(
        w.ctx,
        editor,
        next,
        draftFields(w.f, 1, {
          bodyHtml: '<p>各乡镇人民政府，县政府各部门：</p><p>现就做好冬季安全生产和森林防火工作通知如下。</p>',
          agencyIds: [w.f.agencies[1].id, w.f.agencies[2].id],
          columnIds: [w.f.columns.get('qtwj')!],
          changeNote: '增加森林防火',
        }),
      );
      const pdf = onePagePdf('Fire check list');
      const attachmentId = (await addAttachment(w.ctx, editor, next, '检查表.pdf', pdf)).id;
      await actOnEdition(w.ctx, editor, next, 'submit');

      const reviewer = await login(w.app, 'reviewer');
      const page = await get(w.app, reviewer.jar, `/admin/editions/${next}`);
      assert.equal(page.statusCode, 200);
      const html = page.body;
      // the document as the public will read it
      assert.match(html, /全文（公开后的样子）/);
      assert.match(html, /现就做好冬季安全生产和森林防火工作通知如下/);
      assert.match(html, /青政办〔2026〕31号/);
      assert.match(html, /2026-11-20/);
      assert.match(html, new RegExp(`${w.f.agencies[1].name}、${w.f.agencies[2].name}`));
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
      const file = await get(w.app, reviewer.jar, href);
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'application/pdf');
      assert.match(String(file.headers['content-disposition']), /^inline; filename\*=UTF-8''/);
      assert.equal(file.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(file.rawPayload, pdf);
      const edu = await login(w.app, 'edu-reviewer', 'edu-password-1');
      assert.equal((await get(w.app, edu.jar, href)).statusCode, 404);
      const anonymous = await get(w.app, new Jar(), href);
      assert.equal(anonymous.statusCode, 303);
      assert.match(String(anonymous.headers.location), /^\/admin\/login/);
      assert.equal((await get(w.app, new Jar(), `/files/${attachmentId}/x.pdf`)).statusCode, 404);
      // an attachment of another edition is not reached through this one
      assert.equal(
        (await get(w.app, reviewer.jar, `/admin/editions/${editionId}/attachments/${attachmentId}/x.pdf`)).statusCode,
        404,
      );

      // the preview: the site's frame, marked as not public, with the attachment opening in the back office
      const preview = await get(w.app, reviewer.jar, `/admin/editions/${next}/preview`);
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /这是本版发布后公开页面的样子，尚未公开/);
      assert.match(preview.body, /<h1 class="doc-title">关于做好2026年冬季安全生产工作的通知<\/h1>/);
      assert.match(preview.body, /class="site-name"/);
      assert.ok(preview.body.includes(href));
      assert.equal((await get(w.app, edu.jar, `/admin/editions/${next}/preview`)).statusCode, 404);
    });

    test('the form: nothing ticked as issuer by default, policies picked from a searchable list, a bad pick refused', async () => {
      const policy = await publishThroughReview(w.ctx, w.f, {
        title: '青山县冬季供暖保障办法',
        genre: '行政规范性文件',
      });
      const editor = await login(w.app, 'editor');
      const form = await get(w.app, editor.jar, '/admin/publications/new');
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
        columnIds: [String(w.f.columns.get('zcjd') ?? w.f.columns.get('qtwj'))],
        ownerAgencyId: String(w.f.agencies[1].id),
      };
      const bad = await post(
        w.app,
        editor.jar,
        '/admin/publications',
        { ...fields, interpretsPick: '供暖' },
        editor.csrf,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /请从列表中选择要解读的文件/);
      assert.match(bad.body, /value="供暖"/, 'what was typed stays in the field');
      const ok = await post(
        w.app,
        editor.jar,
        '/admin/publications',
        { ...fields, interpretsPick: `青山县冬季供暖保障办法（青政办〔2026〕31号） #${policy.publicationId}` },
        editor.csrf,
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
      const editionId = Number(String(ok.headers.location).match(/editions\/(\d+)/)![1]);
      const links = await w.ctx.db
        .selectFrom('edition_interprets')
        .select('policy_id')
        .where('edition_id', '=', editionId)
        .execute();
      assert.deepEqual(
        links.map((l) => l.policy_id),
        [policy.publicationId],
      );
      const issuers = await w.ctx.db
        .selectFrom('edition_agencies')
        .select('agency_id')
        .where('edition_id', '=', editionId)
        .execute();
      assert.deepEqual(
        issuers.map((i) => i.agency_id),
        [w.f.agencies[1].id],
        'the publishing agency issues it when no issuer is ticked',
      );
      // the draft's form shows the linked policy ticked, to keep or drop
      const page = await get(w.app, editor.jar, `/admin/editions/${editionId}`);
      assert.match(page.body, new RegExp(`name="interpretsIds" value="${policy.publicationId}" checked`));
    });

    test('a first edition has no differences to show; an unchanged new edition says so', async () => {
      const { publicationId, editionId } = await publishThroughReview(w.ctx, w.f, {
        title: '关于开展冬季消防检查的通知',
      });
      const reviewer = await login(w.app, 'reviewer');
      const first = await get(w.app, reviewer.jar, `/admin/editions/${editionId}`);
      assert.doesNotMatch(first.body, /与现行第/);
      const next = await startNewEdition(w.ctx, await w.f.actor('editor'), publicationId);
      const same = await get(w.app, reviewer.jar, `/admin/editions/${next}`);
      assert.match(same.body, /本版与现行版本内容相同/);
    });
  });
}
