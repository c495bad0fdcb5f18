import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, freshDb } from '../../../test/support/db.ts';
import type { Db } from '../../core/db.ts';
import { noteChange, type SearchDoc, SearchFeed, type SearchSource } from '../../core/search.ts';
import { contractQuery } from './search.contract.ts';
import { LocalBackend } from './search.local.ts';

/** The local engine in the role of one index that every instance shares (as an OpenSearch cluster would be). */
class SharedEngine extends LocalBackend {
  override readonly shared = true;
}

/** A source over documents kept here: what is in the map is public. */
function sourceOf(docs: Map<number, SearchDoc>): SearchSource {
  const pick = (ids: number[]) => ids.map((id) => docs.get(id)).filter((d): d is SearchDoc => !!d);
  return {
    kind: 'p',
    label: '测试',
    load: async (_db, which) =>
      'ids' in which ? pick(which.ids) : [...docs.values()].filter((d) => d.id > which.after).slice(0, which.limit),
    show: async (_db, _site, ids) => pick(ids).map((d) => ({ ...d, path: `/p/${d.id}`, facts: [], text: d.body })),
    texts: async (_db, ids) => pick(ids).map((d) => ({ id: d.id, text: d.title + d.body })),
  };
}

const doc = (id: number, title: string): SearchDoc => ({
  id,
  siteId: 1,
  title,
  meta: '',
  body: '',
  filters: [],
  date: '2025-01-01',
  valid: true,
});

const found = async (feed: SearchFeed, q: string) =>
  (await feed.backend.search(contractQuery(q))).hits.map((h) => h.key).sort();

const change = (db: Db, id: number) => db.transaction().execute((trx) => noteChange(trx, null, `p:${id}`));

for (const kind of DATABASES)
  test(`a shared index is fed by one instance at a time, from the cursor in the database; another takes over when its lease lapses (${kind})`, async () => {
    const d = await freshDb(kind);
    const shared = new SharedEngine(null);
    const docs = new Map([[1, doc(1, '城乡低保资金发放')]]);
    const opts = { dictionary: async () => [], cursor: 'test' };
    const a = new SearchFeed(shared, [sourceOf(docs)], { ...opts, holder: 'a' });
    const b = new SearchFeed(shared, [sourceOf(docs)], { ...opts, holder: 'b' });
    try {
      await a.open(d.db, { wait: true });
      await b.open(d.db, { wait: true });
      assert.deepEqual(await found(a, '低保'), ['p:1'], 'the first instance built the index');
      const holderOf = async () =>
        (
          await sql<{
            holder: string;
            seq: string;
          }>`select holder, seq from search_cursors where name = 'test'`.execute(d.db)
        ).rows[0];
      assert.equal((await holderOf()).holder, 'a');

      docs.set(2, doc(2, '低保标准调整公告'));
      const [c2] = await change(d.db, 2);
      await b.sync(d.db);
      assert.deepEqual(await found(b, '低保'), ['p:1'], 'the instance without the lease applies nothing');
      await a.sync(d.db);
      assert.deepEqual(await found(b, '低保'), ['p:1', 'p:2']);
      assert.equal(Number((await holderOf()).seq), c2.seq, 'the cursor in the database moved on');

      // the feeding instance stops (its lease lapses); a change arrives; the other instance takes over from the cursor
      await sql`update search_cursors set lease_until = now() - interval '1 second' where name = 'test'`.execute(d.db);
      docs.delete(1);
      const [c1] = await change(d.db, 1);
      await b.sync(d.db);
      assert.equal((await holderOf()).holder, 'b');
      assert.deepEqual(await found(b, '低保'), ['p:2'], 'the new feeder applied the change after the cursor');
      assert.equal(Number((await holderOf()).seq), c1.seq);
      docs.set(3, doc(3, '低保资金审计'));
      await change(d.db, 3);
      await a.sync(d.db);
      assert.deepEqual(await found(a, '低保'), ['p:2'], 'the former feeder stays out while the lease is held');
      await b.sync(d.db);
      assert.deepEqual(await found(a, '低保'), ['p:2', 'p:3']);
    } finally {
      await shared.close();
      await d.close();
    }
  });

test('each instance with a local index follows the outbox itself', async () => {
  const d = await freshDb('pglite');
  const docs = new Map([[1, doc(1, '城乡低保资金发放')]]);
  const opts = { dictionary: async () => [] };
  const a = new SearchFeed(new LocalBackend(null), [sourceOf(docs)], opts);
  const b = new SearchFeed(new LocalBackend(null), [sourceOf(docs)], opts);
  try {
    await a.open(d.db, { wait: true });
    await b.open(d.db, { wait: true });
    docs.set(2, doc(2, '低保标准调整公告'));
    await change(d.db, 2);
    await a.sync(d.db);
    await b.sync(d.db);
    assert.deepEqual(await found(a, '低保'), ['p:1', 'p:2']);
    assert.deepEqual(await found(b, '低保'), ['p:1', 'p:2']);
    const cursors = await sql<{ n: number }>`select count(*)::int as n from search_cursors`.execute(d.db);
    assert.equal(cursors.rows[0].n, 0, 'local indexes keep no cursor in the database');
  } finally {
    await a.close();
    await b.close();
    await d.close();
  }
});
