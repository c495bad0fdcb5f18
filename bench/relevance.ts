/**
 * Relevance benchmark: `npm run bench:relevance`. Imports the shared corpus into a fresh embedded site and
 * runs the judged queries (bench/judgments.ts) through the portal's search; prints precision@10 and nDCG@10.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/core/config.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { findDocuments } from '../src/features/search/search.service.ts';
import { openCtx } from '../src/server.ts';
import { CORPUS, demoTarget, importFile } from './corpus.ts';
import { JUDGMENTS } from './judgments.ts';

const K = 10;
const dir = await mkdtemp(path.join(os.tmpdir(), 'gk-relevance-'));
try {
  const ctx = await openCtx(
    loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', SESSION_SECRET: 'r'.repeat(40), PGLITE_FSYNC: 'off' }),
  );
  await loadDemo(ctx, { publications: 0, cases: false });
  const target = await demoTarget(ctx);
  const site = { id: target.siteId };
  await importFile(ctx, site.id, CORPUS, {
    mapping: {
      sourceId: 'id',
      title: 'title',
      body: 'body',
      publishedOn: 'publishedOn',
      writtenOn: 'writtenOn',
      docNo: 'docNo',
      indexNo: 'indexNo',
      agency: 'agency',
      validity: 'validity',
    },
    agencyId: target.agencies[1].id,
    columnId: target.columnId,
    genre: '其他文件',
  });
  // publication id → corpus id
  const source = new Map(
    (
      await ctx.db.selectFrom('publications').select(['id', 'source_key']).where('source_key', 'is not', null).execute()
    ).map((p) => [p.id, p.source_key!.replace(/^id:/, '')]),
  );
  const dcg = (gains: number[]) => gains.reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  let sumP = 0;
  let sumNdcg = 0;
  let sumR = 0;
  console.log(`judged queries over the shared corpus (${source.size} documents), top ${K}\n`);
  console.log('   P@10   nDCG@10  R@10  query');
  for (const j of JUDGMENTS) {
    const r = await findDocuments(
      ctx,
      { siteId: site.id, q: j.q, sort: 'relevance', page: 1, pageSize: K },
      '2026-11-24',
    );
    const got = r.hits.filter((h) => h.kind === 'p').map((h) => source.get(h.id) ?? '');
    const gains = got.map((g) => j.relevant[g] ?? 0);
    const ideal = Object.values(j.relevant)
      .sort((a, b) => b - a)
      .slice(0, K);
    const hits = gains.filter((g) => g > 0).length;
    const p = hits / K;
    const recall = hits / Math.min(K, Object.keys(j.relevant).length);
    const ndcg = dcg(gains) / dcg(ideal);
    sumP += p;
    sumNdcg += ndcg;
    sumR += recall;
    console.log(`  ${p.toFixed(2)}    ${ndcg.toFixed(3)}   ${recall.toFixed(2)}  ${j.q}`);
  }
  const n = JUDGMENTS.length;
  console.log(
    `\n${n} queries: mean precision@10 ${(sumP / n).toFixed(3)}, mean nDCG@10 ${(sumNdcg / n).toFixed(3)}, mean recall@10 ${(sumR / n).toFixed(3)}`,
  );
  console.log(
    '(precision@10 is bounded by how few documents most queries have: a query with one right answer scores at most 0.1)',
  );
  await ctx.db.destroy();
} finally {
  await rm(dir, { recursive: true, force: true });
}
