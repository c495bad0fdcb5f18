import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DATABASES } from '../../../test/support/db.ts';
import { draftFields } from '../../../test/support/fixture.ts';
import { get, login } from '../../../test/support/http.ts';
import { webSuite } from '../../../test/support/web.ts';
import { publicImages, staffImages } from './catalog.images.ts';
import { actOnEdition, addAttachment, createDraft, startNewEdition, updateDraft } from './catalog.service.ts';

const HASH = 'ab'.repeat(32);
/** A 1 × 1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);

test('a body keeps its pictures at the public address and shows them to staff through the edition', () => {
  const stored = `<p>图</p><img src="/s/demo/images/${HASH}" alt="示意图"><a href="/s/demo/images/${HASH}">原图</a>`;
  const shown = staffImages(stored, 42);
  assert.equal(
    shown,
    `<p>图</p><img src="/admin/editions/42/images/${HASH}" alt="示意图"><a href="/s/demo/images/${HASH}">原图</a>`,
  );
  assert.equal(publicImages(shown, 'demo'), stored, 'saved back as it was');
  // another edition's address (a copied body) is the same picture
  assert.equal(
    publicImages(`<img alt="" src="/admin/editions/7/images/${HASH}">`, 'qs'),
    `<img alt="" src="/s/qs/images/${HASH}">`,
  );
  // anything else is left alone
  for (const other of ['<img src="/admin/editions/7/images/xyz">', '<img src="https://example.gov.cn/a.png">'])
    assert.equal(publicImages(other, 'demo'), other);
});

for (const kind of DATABASES) {
  describe(`pictures of a body on ${kind}`, () => {
    const s = webSuite(kind);

    test('staff of the agency see them before publication, the public after, nobody else', async () => {
      const { ctx, f, app } = s;
      const editor = await f.actor('editor');
      const { editionId, publicationId } = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1));
      const added = await addAttachment(ctx, editor, editionId, '示意图.png', PNG);
      const staffSrc = `/admin/editions/${editionId}/images/${added.hash}`;
      await updateDraft(
        ctx,
        editor,
        editionId,
        draftFields(f, 1, { bodyHtml: `<p>见图。</p><img src="${staffSrc}" alt="示意图">` }),
      );
      const body = await ctx.db
        .selectFrom('editions')
        .select('body_html')
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow();
      const publicSrc = `/s/demo/images/${added.hash}`;
      assert.equal(body.body_html, `<p>见图。</p><img src="${publicSrc}" alt="示意图" />`);

      const mine = await login(app, 'editor');
      const shown = await get(app, mine.jar, staffSrc);
      assert.equal(shown.statusCode, 200);
      assert.equal(shown.headers['content-type'], 'image/png');
      assert.ok(shown.rawPayload.equals(PNG));
      const edu = await login(app, 'edu-editor', 'edu-password-1');
      assert.equal((await get(app, edu.jar, staffSrc)).statusCode, 404, 'another agency');
      assert.equal((await get(app, mine.jar, `/admin/editions/${editionId}/images/${'0'.repeat(64)}`)).statusCode, 404);
      assert.equal((await get(app, mine.jar, `/admin/editions/${editionId}/images/..%2F..%2Fetc`)).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: publicSrc })).statusCode, 404, 'not public yet');

      await actOnEdition(ctx, editor, editionId, 'submit');
      await actOnEdition(ctx, await f.actor('reviewer'), editionId, 'approve_review');
      await actOnEdition(ctx, await f.actor('secrecy'), editionId, 'approve_confidentiality');
      const open = await app.inject({ method: 'GET', url: publicSrc });
      assert.equal(open.statusCode, 200);
      assert.match(String(open.headers['cache-control']), /public/);
      assert.equal((await app.inject({ method: 'GET', url: `/s/demo/images/${HASH}` })).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: '/s/demo/images/not-a-hash' })).statusCode, 404);
      const page = await app.inject({ method: 'GET', url: `/s/demo/p/${publicationId}` });
      assert.ok(page.body.includes(`src="${publicSrc}"`));
      // a later edition's copies of the attachments have new ids, not new hashes: the same picture
      const next = await startNewEdition(ctx, editor, publicationId);
      assert.equal((await get(app, mine.jar, `/admin/editions/${next}/images/${added.hash}`)).statusCode, 200);
      assert.match(
        (await get(app, mine.jar, `/admin/editions/${next}`)).body,
        new RegExp(`/admin/editions/${next}/images/${added.hash}`),
      );
    });
  });
}
