import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rejects } from '../../../test/support/assert.ts';
import { DATABASES } from '../../../test/support/db.ts';
import { draftFields, onePagePdf } from '../../../test/support/fixture.ts';
import { get, login, post } from '../../../test/support/http.ts';
import { residentId } from '../../../test/support/personal.ts';
import { webSuite } from '../../../test/support/web.ts';
import { personalScanReport, scanPublished, startPersonalScan } from './catalog.personal.service.ts';
import { editionFindings, maskedText } from './catalog.personal.ts';
import { actOnEdition, addAttachment, createDraft, maskEditionPersonalData } from './catalog.service.ts';

const ID = residentId('350128', '19620815', '031');
const PHONE = '13905912345';

test('findings are placed (title, summary, body, attachment) and masked one at a time or all at once', () => {
  const e = {
    title: `关于${PHONE}的公示`,
    summary: '',
    body_html: `<p>户主：陈某，身份证号${ID}。</p><p>联系电话：${PHONE}</p>`,
    body_text: '',
  };
  const found = editionFindings(e, [{ filename: '名单.pdf', text_content: `林某 ${ID}` }]);
  assert.deepEqual(
    found.map((f) => [f.place, f.kind, f.ordinal, f.filename ?? '']),
    [
      ['title', 'phone', 0, ''],
      ['body', 'id', 0, ''],
      ['body', 'phone', 1, ''],
      ['attachment', 'id', 0, '名单.pdf'],
    ],
  );
  assert.match(found[1].context, /身份证号350128/);
  const one = maskedText(e, { place: 'body', ordinal: 1 });
  assert.equal(one.title, e.title);
  assert.equal(one.body_html, `<p>户主：陈某，身份证号${ID}。</p><p>联系电话：139****2345</p>`);
  const all = maskedText(e);
  assert.equal(all.title, '关于139****2345的公示');
  assert.equal(editionFindings(all, []).length, 0);
  assert.match(all.body_text, /350128\*{8}/);
});

for (const kind of DATABASES) {
  describe(`the personal-data guard on ${kind}`, () => {
    const w = webSuite(kind);

    const subsidyList = async () => {
      const editor = await w.f.actor('editor');
      const { editionId, publicationId } = await createDraft(
        w.ctx,
        editor,
        w.f.agencies[1].id,
        draftFields(w.f, 1, {
          title: '2026年第四季度城乡低保发放名单公示',
          bodyHtml: `<table><tr><td>陈某</td><td>${ID}</td><td>${PHONE}</td><td>500元</td></tr></table>`,
        }),
      );
      return { editor, editionId, publicationId };
    };

    test('approval is refused while personal data is in the text; a reason overrides it, on record', async () => {
      const { editor, editionId } = await subsidyList();
      await actOnEdition(w.ctx, editor, editionId, 'submit');
      const reviewer = await w.f.actor('reviewer');
      await rejects(
        actOnEdition(w.ctx, reviewer, editionId, 'approve_review'),
        'conflict',
        /身份证号 1 处、手机号码 1 处/,
      );
      await actOnEdition(w.ctx, reviewer, editionId, 'approve_review', { personalOverride: '经核实为村干部公开电话' });
      const entry = await w.ctx.db
        .selectFrom('audit_events')
        .select(['after'])
        .where('action', '=', 'edition.approve_review')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [
          (entry.after as Record<string, string>).personalData,
          (entry.after as Record<string, string>).personalOverride,
        ],
        ['身份证号 1 处、手机号码 1 处', '经核实为村干部公开电话'],
      );
      assert.ok(!JSON.stringify(entry.after).includes(ID), 'the audit never holds the number');
      // the confidentiality review checks again
      await rejects(actOnEdition(w.ctx, await w.f.actor('secrecy'), editionId, 'approve_confidentiality'), 'conflict');
    });

    test('whoever holds the edition masks it; the others may not; a PDF attachment is checked too', async () => {
      const { editor, editionId } = await subsidyList();
      const reviewer = await w.f.actor('reviewer');
      await rejects(maskEditionPersonalData(w.ctx, reviewer, editionId, { place: 'all' }), 'forbidden');
      assert.equal(await maskEditionPersonalData(w.ctx, editor, editionId, { place: 'body', ordinal: 1 }), 1);
      const row = await w.ctx.db
        .selectFrom('editions')
        .select(['body_html', 'body_text'])
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow();
      assert.ok(row.body_html.includes(ID) && row.body_html.includes('139****2345'));
      await actOnEdition(w.ctx, editor, editionId, 'submit');
      await rejects(maskEditionPersonalData(w.ctx, editor, editionId, { place: 'all' }), 'forbidden');
      assert.equal(await maskEditionPersonalData(w.ctx, reviewer, editionId, { place: 'all' }), 1);
      await rejects(maskEditionPersonalData(w.ctx, reviewer, editionId, { place: 'all' }), 'conflict');
      assert.equal((await actOnEdition(w.ctx, reviewer, editionId, 'approve_review')).state, 'reviewed');

      const second = await subsidyList();
      await maskEditionPersonalData(w.ctx, editor, second.editionId, {});
      await addAttachment(w.ctx, editor, second.editionId, 'list.pdf', onePagePdf(`Chen ${ID}`));
      await actOnEdition(w.ctx, editor, second.editionId, 'submit');
      await rejects(actOnEdition(w.ctx, reviewer, second.editionId, 'approve_review'), 'conflict', /身份证号 1 处/);
    });

    test('the edition page shows each finding in its words, marks it in the text, and masks it in one click', async () => {
      const { editionId } = await subsidyList();
      const editor = await login(w.app, 'editor');
      const page = await get(w.app, editor.jar, `/admin/editions/${editionId}`);
      assert.match(page.body, /发现疑似个人信息：身份证号 1 处、手机号码 1 处/);
      assert.match(page.body, new RegExp(`<mark class="personal" title="疑似身份证号">${ID}</mark>`));
      assert.match(page.body, /<td>350128\*{8}\d{4}<\/td>/);
      const masked = await post(
        w.app,
        editor.jar,
        `/admin/editions/${editionId}/mask`,
        { place: 'body', ordinal: '0' },
        editor.csrf,
      );
      assert.equal(masked.statusCode, 303);
      const after = await get(w.app, editor.jar, String(masked.headers.location));
      assert.match(after.body, /已遮盖 1 处个人信息/);
      assert.match(after.body, /发现疑似个人信息：手机号码 1 处/);
      await post(w.app, editor.jar, `/admin/editions/${editionId}/submit`, {}, editor.csrf);
      const reviewer = await login(w.app, 'reviewer');
      const review = await get(w.app, reviewer.jar, `/admin/editions/${editionId}`);
      assert.match(review.body, /确认公开个人信息的理由/);
      const refused = await post(w.app, reviewer.jar, `/admin/editions/${editionId}/approve_review`, {}, reviewer.csrf);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /发现疑似个人信息/);
    });

    test('the office scans everything published and gets the past leaks, masked; others may not', async () => {
      const { editor, editionId, publicationId } = await subsidyList();
      await actOnEdition(w.ctx, editor, editionId, 'submit');
      const reason = { personalOverride: '测试：模拟历史上未去标识化发布的名单' };
      await actOnEdition(w.ctx, await w.f.actor('reviewer'), editionId, 'approve_review', reason);
      await actOnEdition(w.ctx, await w.f.actor('secrecy'), editionId, 'approve_confidentiality', reason);
      const office = await w.f.actor('office');
      await rejects(startPersonalScan(w.ctx, editor, w.f.siteId), 'forbidden');
      await startPersonalScan(w.ctx, office, w.f.siteId);
      let scanned = 0;
      for (let n = await scanPublished(w.ctx); n > 0; n = await scanPublished(w.ctx)) scanned += n;
      const report = await personalScanReport(w.ctx, office, w.f.siteId);
      assert.ok(report.scan?.finished_at, 'the scan ends');
      assert.equal(report.scan?.scanned, scanned);
      const found = report.findings.filter((x) => x.publication_id === publicationId);
      assert.equal(found.length, 1);
      assert.equal(found[0].summary, '身份证号 1 处、手机号码 1 处');
      assert.deepEqual(found[0].places, [`正文：350128********${ID.slice(-4)}`, '正文：139****2345']);
      assert.ok(!JSON.stringify(report.findings).includes(ID), 'the findings never hold the numbers');
      // the demo's own documents have none
      assert.equal(report.total, 1);
      // on the page, for the office only
      const officeWeb = await login(w.app, 'office');
      const page = await get(w.app, officeWeb.jar, '/admin/personal');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /扫描完成：共检查 \d+ 条，发现 1 条含疑似个人信息/);
      assert.match(page.body, /2026年第四季度城乡低保发放名单公示/);
      const editorWeb = await login(w.app, 'editor');
      assert.equal((await get(w.app, editorWeb.jar, '/admin/personal')).statusCode, 403);
      assert.equal((await post(w.app, editorWeb.jar, '/admin/personal/scan', {}, editorWeb.csrf)).statusCode, 403);
      const again = await post(w.app, officeWeb.jar, '/admin/personal/scan', {}, officeWeb.csrf);
      assert.equal(again.statusCode, 303);
      const restarted = await personalScanReport(w.ctx, office, w.f.siteId);
      assert.deepEqual([restarted.scan?.scanned, restarted.scan?.finished_at, restarted.total], [0, null, 0]);
    });
  });
}
