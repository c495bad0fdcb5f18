import { buildModel, generate } from './bench/corpus.ts';
import { SearchEngine, type IndexDoc } from './src/features/search/search.engine.ts';
import { indexTokens, queryTokens, docNoKey } from './src/features/search/search.text.ts';
const N = Number(process.argv[2] ?? 100000);
const model = buildModel();
let t = performance.now();
const engine = new SearchEngine();
let batch: IndexDoc[] = [];
let chars = 0;
for (let i = 0; i < N; i++) {
  const g = generate(model, i);
  chars += g.body.length;
  const day = Math.floor(Date.parse(g.publishedOn) / 86400000);
  batch.push({ key: `p:${i}`, title: indexTokens(g.title), meta: indexTokens(g.docNo ?? ''), body: indexTokens(g.body), filters: ['s:1', `a:${g.agency}`, `g:${g.genre}`], exact: g.docNo ? [docNoKey(g.docNo)!] : [], day, prior: 0.3 * Math.exp(-(20500 - day) / 1800) });
  if (batch.length === 20000) { engine.addBatch(batch); batch = []; }
}
engine.addBatch(batch);
const secs = (performance.now() - t) / 1000;
console.log(`indexed ${N} in ${secs.toFixed(1)} s = ${(N / secs).toFixed(0)} docs/s, avg body ${(chars / N).toFixed(0)} chars, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, postings ${(engine.segments.reduce((n, s) => n + s.postings.length, 0) / 1e6).toFixed(0)} MB`);
const qs = ['公开', '审批', '低保', '资金', '安全生产', '低保 资金', '公开 审批', '教育 学校 招生', '政务公开 指南', '三公经费', '污染防治攻坚战', '医保 家庭医生', '住房公积金', '乡村振兴 补贴', '任免 同志', '关于 通知', '工作 情况', '青政办〔2015〕12号', '建设 项目 工程', '企业 检查 隐患'];
for (const sort of ['relevance', 'date'] as const) {
  const times: number[] = [];
  for (let rep = 0; rep < 5; rep++) for (const raw of qs) {
    const terms = queryTokens(raw);
    const s = performance.now();
    const r = engine.search({ terms, excluded: [], filters: ['s:1'], anyOf: [], exact: docNoKey(raw) ? [docNoKey(raw)!] : [], sort, offset: 0, limit: 20 });
    times.push(performance.now() - s);
    if (rep === 0 && sort === 'relevance') console.log(raw, terms.join('/'), r.total);
  }
  times.sort((a, b) => a - b);
  const p = (f: number) => times[Math.floor(f * (times.length - 1))].toFixed(2);
  console.log(sort, 'p50', p(0.5), 'p95', p(0.95), 'p99', p(0.99), 'max', p(1));
}
