/**
 * Search benchmark: `npm run bench:search [-- --docs 1000000] [--config embedded|server]`.
 *
 * Generates a reproducible corpus of realistic documents, loads it through the real bulk import (database
 * and index) on each configuration — the embedded default (PGlite) and the server configuration
 * (PostgreSQL) — and runs a fixed mix of queries through the same call the portal makes (index, database
 * read of the shown rows, snippets). Prints the import rate, the index size and latency percentiles.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/core/config.ts';
import type { Ctx } from '../src/core/context.ts';
import { postgresDb } from '../src/core/db.ts';
import { loadDemo } from '../src/demo/demo.ts';
import type { LocalBackend } from '../src/features/search/search.local.ts';
import type { SearchRequest } from '../src/features/search/search.service.ts';
import { findDocuments } from '../src/features/search/search.service.ts';
import { openCtx } from '../src/server.ts';
import { buildModel, demoTarget, GENERATED_MAPPING, type GeneratedDoc, importFile, writeGenerated } from './corpus.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    config: { type: 'string', default: 'embedded,server' },
    seed: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
  },
});
const N = Number(args.docs);
const SEED = Number(args.seed);
const ROUNDS = Number(args.rounds);
const PG_ADMIN =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const work = await mkdtemp(path.join(os.tmpdir(), 'gk-bench-'));
const model = buildModel(SEED);

/** Writes the corpus as JSONL (the import's input) and keeps a few documents to query for. */
async function writeCorpus(file: string): Promise<GeneratedDoc[]> {
  const kept: GeneratedDoc[] = [];
  await writeGenerated(file, N, SEED, (d, i) => {
    if (i % Math.max(1, Math.floor(N / 40)) === 7) kept.push(d);
  });
  return kept;
}

interface Query {
  kind: string;
  req: Omit<SearchRequest, 'siteId' | 'page' | 'pageSize'> & { page?: number };
}

/** The fixed mix: common and rare words, several words, phrases, document numbers, filters, date order. */
function queryMix(kept: GeneratedDoc[], agencyIds: number[]): Query[] {
  const q = (kind: string, text: string, extra: Partial<SearchRequest> = {}): Query => ({
    kind,
    req: { q: text, sort: 'relevance', ...extra },
  });
  const common = ['公开', '审批', '低保', '资金', '安全生产', '企业', '建设', '检查', '教育', '医疗'];
  const rare = model.rare.slice(100, 110);
  const mid = model.topics.slice(0, 10).map((t) => t.words[30]);
  const out: Query[] = [
    ...common.map((w) => q('common word', w)),
    ...rare.map((w) => q('rare word', w)),
    ...mid.map((w) => q('topical word', w)),
    q('two words', '低保 资金'),
    q('two words', '公开 审批'),
    q('two words', '教育 学校'),
    q('two words', '安全生产 检查'),
    q('three words', '企业 检查 隐患'),
    q('three words', '建设 项目 工程'),
    q('three words', '医疗 医保 健康'),
    q('three words', '农村 乡村振兴 补贴'),
  ];
  // phrases and document numbers from documents of the corpus
  for (const d of kept.slice(0, 8)) out.push(q('phrase', `"${d.body.slice(20, 26)}"`));
  const numbered = kept.filter((d) => d.docNo).slice(0, 8);
  numbered.forEach((d, i) => {
    const v = [d.docNo!, d.docNo!.replace('〔', '[').replace('〕', ']'), d.docNo!.replace(/〔(\d+)〕/, '$1年')][i % 3];
    out.push(q('document number', v));
  });
  // filters and date order
  out.push(q('word + agency', '公开', { agencyId: agencyIds[3] }));
  out.push(q('word + agency', '资金', { agencyId: agencyIds[7] }));
  out.push(q('word + genre', '审批', { genre: '通知公告' }));
  out.push(q('word + genre', '低保', { genre: '行政规范性文件' }));
  out.push(q('word + years', '安全生产', { yearFrom: 2020, yearTo: 2022 }));
  out.push(q('word + years', '教育', { yearFrom: 2024 }));
  out.push(q('word + validity', '公开', { validity: 'repealed' }));
  out.push(q('by date', '公开', { sort: 'date' }));
  out.push(q('by date', '低保 资金', { sort: 'date' }));
  out.push(q('page 5', '审批', { page: 5 }));
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const fmt = (ms: number) => ms.toFixed(1).padStart(7);

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir).catch(() => [])) total += (await stat(path.join(dir, f))).size;
  return total;
}

async function run(name: string, env: Record<string, string>, corpus: string, kept: GeneratedDoc[]) {
  const dataDir = await mkdtemp(path.join(work, `${name}-`));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SESSION_SECRET: 'b'.repeat(40), ...env });
  const ctx: Ctx = await openCtx(config);
  await loadDemo(ctx, { publications: 0, cases: false });
  const target = await demoTarget(ctx);
  const site = { id: target.siteId };
  const agencyIds = target.agencies.map((a) => a.id);

  const started = performance.now();
  const settings = {
    mapping: GENERATED_MAPPING,
    agencyId: agencyIds[1],
    columnId: target.columnId,
    genre: '其他文件',
  };
  const id = await importFile(ctx, site.id, corpus, settings, (p) => {
    if (p.done_rows % 10_000 < 500)
      process.stderr.write(
        `\r  ${name}: ${p.done_rows}/${p.total_rows} (${Math.round(p.done_rows / ((performance.now() - started) / 1000))}/s)`,
      );
  });
  await ctx.search.settled();
  const seconds = (performance.now() - started) / 1000;
  // the segments are merged in the background once searchable; the queries start when that is done too
  await (ctx.search.backend as LocalBackend).merged();
  const merging = (performance.now() - started) / 1000 - seconds;
  process.stderr.write('\n');
  const imp = await ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await ctx.search.save();
  const indexBytes = await dirSize(config.searchDir);

  const queries = queryMix(kept, agencyIds);
  const today = new Date().toISOString().slice(0, 10);
  const runOne = (qq: Query) => findDocuments(ctx, { siteId: site.id, page: 1, pageSize: 20, ...qq.req }, today);
  for (const qq of queries) await runOne(qq); // warm-up
  const times: number[] = [];
  const byKind = new Map<string, number[]>();
  let hits = 0;
  for (let r = 0; r < ROUNDS; r++)
    for (const qq of queries) {
      const t = performance.now();
      const res = await runOne(qq);
      const ms = performance.now() - t;
      if (r === 0) hits += res.total;
      times.push(ms);
      byKind.set(qq.kind, [...(byKind.get(qq.kind) ?? []), ms]);
    }
  times.sort((a, b) => a - b);
  console.log(`\n== ${name}: ${N.toLocaleString()} documents ==`);
  console.log(
    `import        ${(imp.imported_rows / seconds).toFixed(0)} docs/s (${imp.imported_rows} imported, ${imp.error_rows} refused, ${seconds.toFixed(1)} s, database and index, until searchable)`,
  );
  console.log(`merging       ${merging.toFixed(1)} s more in the background`);
  console.log(
    `index size    ${(indexBytes / 1048576).toFixed(1)} MB on disk (${(indexBytes / Math.max(1, imp.imported_rows)).toFixed(0)} bytes/doc)`,
  );
  console.log(
    `queries       ${queries.length} × ${ROUNDS} rounds, top 20 with snippets; ${hits.toLocaleString()} matches in all`,
  );
  console.log(
    `latency ms    p50 ${fmt(pct(times, 0.5))}   p95 ${fmt(pct(times, 0.95))}   p99 ${fmt(pct(times, 0.99))}   max ${fmt(times.at(-1)!)}`,
  );
  for (const [kind, ts] of byKind) {
    const s = [...ts].sort((a, b) => a - b);
    console.log(`  ${kind.padEnd(16)} p50 ${fmt(pct(s, 0.5))}   p95 ${fmt(pct(s, 0.95))}`);
  }
  await ctx.db.destroy();
}

const corpus = path.join(work, 'corpus.jsonl');
const t0 = performance.now();
const kept = await writeCorpus(corpus);
console.log(
  `generated ${N.toLocaleString()} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED}); machine: ${os.cpus().length} cores, Node ${process.version}`,
);

try {
  for (const name of args.config!.split(',')) {
    if (name === 'embedded') await run('embedded (PGlite)', {}, corpus, kept);
    else if (name === 'server') {
      const db = `gk_bench_${process.pid}`;
      const admin = postgresDb(PG_ADMIN, 1);
      await sql.raw(`create database ${db}`).execute(admin);
      const url = new URL(PG_ADMIN);
      url.pathname = `/${db}`;
      try {
        await run('server (PostgreSQL)', { DATABASE_URL: url.toString() }, corpus, kept);
      } finally {
        await sql.raw(`drop database if exists ${db} with (force)`).execute(admin);
        await admin.destroy();
      }
    } else throw new Error(`unknown configuration ${name}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
