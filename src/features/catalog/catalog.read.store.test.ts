import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DATABASES } from '../../../test/support/db.ts';
import { webSuite } from '../../../test/support/web.ts';
import { itemsInColumns, listInColumns } from './catalog.read.store.ts';

for (const kind of DATABASES) {
  describe(`lists of published items on ${kind}`, () => {
    const s = webSuite(kind, {}, 30);

    test('a page counts only the ten pages ahead of it, exactly when there are fewer', async () => {
      const { ctx, f } = s;
      const all = [...f.columns.values()];
      const everything = await ctx.db
        .selectFrom('publications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', f.siteId)
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      assert.ok(Number(everything.n) > 22, 'more than eleven pages of two');
      // pages of two: page 1 counts up to (1 + 10) × 2 = 22
      const first = await listInColumns(ctx.db, f.siteId, all, 1, 2);
      assert.deepEqual([first.items.length, first.total, first.exact], [2, 22, false]);
      // pages of twenty: all of them fit within the pages ahead, counted exactly
      const exact = await listInColumns(ctx.db, f.siteId, all, 1, 20);
      assert.equal(exact.exact, true);
      assert.ok(exact.total > 22);
      // the home page's blocks take the items alone, in the same order
      assert.deepEqual(
        (await itemsInColumns(ctx.db, f.siteId, all, 1, 20)).map((i) => i.id),
        exact.items.map((i) => i.id),
      );
      assert.deepEqual(await listInColumns(ctx.db, f.siteId, [], 1, 20), { items: [], total: 0, exact: true });
    });
  });
}
