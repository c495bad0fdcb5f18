import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, publishThroughReview } from '../../../test/support/fixture.ts';
import { noteChange } from '../../core/search.ts';
import { publicationSource } from '../catalog/catalog.search.service.ts';
import { findDocuments } from './search.service.ts';

test('a change that commits after a later-numbered one is still applied (PostgreSQL, two connections)', async () => {
  const d = await freshDb('postgres');
  try {
    const ctx = testCtx(d.db, testConfig());
    const f = await demoFixture(ctx, 2);
    const publish = async (title: string) => (await publishThroughReview(ctx, f, { title, docNo: '' })).publicationId;
    const found = async (q: string) =>
      (await findDocuments(ctx, { siteId: f.siteId, q, sort: 'relevance', page: 1, pageSize: 10 }, '2026-11-24')).total;
    const late = await publish('关于开展红树林保护宣传月活动的通知');
    // take the page off again, so that only a change notice can bring it back
    await ctx.search.backend.apply([], [`p:${late}`]);
    assert.equal(await found('红树林'), 0);
    let commit!: () => void;
    const held = new Promise<void>((r) => {
      commit = r;
    });
    // transaction A takes a change number and holds it open…
    const a = d.db.transaction().execute(async (trx) => {
      await noteChange(trx, f.siteId, `p:${late}`);
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    // …while B, numbered after it, commits and is applied
    await publish('关于开展湿地保护宣传月活动的通知');
    assert.equal(await found('湿地'), 1);
    assert.equal(await found('红树林'), 0);
    commit();
    await a;
    await ctx.search.sync(ctx.db);
    assert.equal(await found('红树林'), 1, 'the late commit is picked up through the gap it left');
  } finally {
    await d.close();
  }
});

test('a document handed over with its change is indexed as given, unless a later change to it came in the meantime', async () => {
  const d = await freshDb('pglite');
  try {
    const ctx = testCtx(d.db, testConfig());
    const f = await demoFixture(ctx, 2);
    const id = (await publishThroughReview(ctx, f, { title: '关于开展红树林保护宣传月活动的通知', docNo: '' }))
      .publicationId;
    const found = async (q: string) =>
      (await findDocuments(ctx, { siteId: f.siteId, q, sort: 'relevance', page: 1, pageSize: 10 }, '2026-11-24')).total;
    const [doc] = await publicationSource.load(ctx.db, { ids: [id] });
    // a word only the handed-over copy has shows whether the sync used it or read the row again
    const given = { ...doc, title: `${doc.title}（湿地）` };
    const change = () => d.db.transaction().execute((trx) => noteChange(trx, f.siteId, `p:${id}`));

    ctx.search.offer((await change()).map((c) => ({ ...c, doc: given })));
    await ctx.search.sync(ctx.db);
    assert.equal(await found('湿地'), 1, 'indexed as handed over');

    // a second change after the handed-over one: the row is read again
    const first = await change();
    await change();
    ctx.search.offer(first.map((c) => ({ ...c, doc: given })));
    await ctx.search.backend.apply([], [`p:${id}`]);
    await ctx.search.sync(ctx.db);
    assert.equal(await found('湿地'), 0);
    assert.equal(await found('红树林'), 1);

    // a change the index has passed takes no document any more
    ctx.search.offer(first.map((c) => ({ ...c, doc: given })));
    await change();
    await ctx.search.sync(ctx.db);
    assert.equal(await found('湿地'), 0);
  } finally {
    await d.close();
  }
});
