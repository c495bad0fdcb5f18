import type { Actor } from '../../src/core/access.ts';
import { SYSTEM } from '../../src/core/access.ts';
import { loadPrincipal } from '../../src/core/auth.ts';
import type { Ctx } from '../../src/core/context.ts';
import { loadDemo } from '../../src/demo/demo.ts';
import { createUser } from '../../src/features/admin/admin.service.ts';
import { actOnEdition, createDraft } from '../../src/features/catalog/catalog.service.ts';

export interface Fixture {
  siteId: number;
  agencies: { id: number; name: string; code: string }[];
  columns: Map<string, number>;
  actor: (username: string) => Promise<Actor>;
}

/** The demo county with a few publications, plus an editor and a reviewer of another agency only. */
export async function demoFixture(ctx: Ctx, publications = 8): Promise<Fixture> {
  await loadDemo(ctx, { publications, cases: false });
  const site = await ctx.db.selectFrom('sites').select('id').where('code', '=', 'demo').executeTakeFirstOrThrow();
  const agencies = await ctx.db
    .selectFrom('agencies')
    .select(['id', 'name', 'code'])
    .where('site_id', '=', site.id)
    .orderBy('sort')
    .execute();
  const columns = new Map(
    (await ctx.db.selectFrom('columns').select(['id', 'slug']).where('site_id', '=', site.id).execute()).map((c) => [
      c.slug,
      c.id,
    ]),
  );
  // staff of the 教育局 only: they must not act on other agencies' items
  await createUser(ctx, SYSTEM, site.id, {
    username: 'edu-editor',
    name: '教育局信息员',
    agencyId: agencies[3].id,
    password: 'edu-password-1',
    roles: [{ role: 'editor', agencyId: agencies[3].id }],
  });
  await createUser(ctx, SYSTEM, site.id, {
    username: 'edu-reviewer',
    name: '教育局审核人',
    agencyId: agencies[3].id,
    password: 'edu-password-1',
    roles: [
      { role: 'reviewer', agencyId: agencies[3].id },
      { role: 'confidentiality_reviewer', agencyId: agencies[3].id },
    ],
  });
  const actor = async (username: string): Promise<Actor> => {
    const u = await ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    return { principal: await loadPrincipal(ctx.db, u.id), ip: '127.0.0.1' };
  };
  return { siteId: site.id, agencies, columns, actor };
}

export const draftFields = (f: Fixture, agencyIndex = 1, extra: Record<string, unknown> = {}) => ({
  title: '关于做好2026年冬季安全生产工作的通知',
  docNo: '青政办〔2026〕31号',
  writtenOn: '2026-11-20',
  genre: '其他文件',
  themeCategory: '市场监管、安全生产监管',
  keywords: '安全生产 冬季',
  bodyHtml: '<p>各乡镇人民政府，县政府各部门：</p><p>现就做好冬季安全生产工作通知如下。</p>',
  agencyIds: [f.agencies[agencyIndex].id],
  columnIds: [f.columns.get('qtwj')!, f.columns.get('aqsc')!],
  ...extra,
});

/** A draft by the editor in the fixture's second agency, taken through both reviews to the portal. */
export async function publishThroughReview(ctx: Ctx, f: Fixture, extra: Record<string, unknown> = {}) {
  const editor = await f.actor('editor');
  const { editionId, publicationId } = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, extra));
  await actOnEdition(ctx, editor, editionId, 'submit');
  await actOnEdition(ctx, await f.actor('reviewer'), editionId, 'approve_review');
  const done = await actOnEdition(ctx, await f.actor('secrecy'), editionId, 'approve_confidentiality');
  return { publicationId, editionId, indexNo: done.indexNo };
}

/** A one-page PDF whose page reads `text` (ASCII, at most 30 characters). */
export function onePagePdf(text: string): Buffer {
  const content = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`;
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj 4 0 obj<</Length ${content.length}>>stream\n${content}\nendstream endobj 5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF`,
  );
}
