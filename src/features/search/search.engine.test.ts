import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { CORPUS } from '../../../bench/corpus.ts';
import { SearchEngine } from './search.engine.ts';
import { END, Postings } from './search.postings.ts';
import { type EngineQuery, idf } from './search.query.ts';
import { type IndexDoc, impactOf, mergeSegments, Segment } from './search.segment.ts';
import { sketchOf } from './search.sketch.ts';
import { foldPhrase } from './search.text.ts';

/** The sketch of documents whose phrases no test looks for. */
const NO_SKETCH = sketchOf('');

/** A query for these words and nothing else, by relevance. */
const wordQuery = (terms: string[], more: Partial<EngineQuery> = {}): EngineQuery => ({
  terms,
  excluded: [],
  filters: [],
  anyOf: [],
  exact: [],
  sort: 'relevance',
  offset: 0,
  limit: 500,
  ...more,
});

const WORDS = ['低保', '资金', '公开', '审批', '教育', '医疗', '住房', '环境', '安全', '农村'];
const FILTERS = ['s:1', 's:2', 'a:1', 'a:2', 'a:3', 'c:1', 'c:2', 'g:规章'];

const docArb = fc.record({
  title: fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
  meta: fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
  body: fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }),
  filters: fc.subarray(FILTERS),
  exact: fc.subarray(['n:1', 'n:2']),
  day: fc.integer({ min: 18000, max: 20000 }),
  prior: fc.float({ min: 0, max: 1, noNaN: true }),
  sketch: fc.constant(NO_SKETCH),
});

const queryArb = fc.record({
  terms: fc.subarray(WORDS, { maxLength: 3 }),
  optional: fc.subarray(WORDS, { maxLength: 2 }),
  excluded: fc.subarray(WORDS, { maxLength: 1 }),
  filters: fc.subarray(FILTERS, { maxLength: 2 }),
  anyOf: fc.array(fc.subarray(FILTERS, { minLength: 1, maxLength: 3 }), { maxLength: 1 }),
  exact: fc.subarray(['n:1', 'n:2', 'n:3'], { maxLength: 1 }),
  dayFrom: fc.option(fc.integer({ min: 18000, max: 20000 }), { nil: undefined }),
  dayTo: fc.option(fc.integer({ min: 18000, max: 20000 }), { nil: undefined }),
  sort: fc.constantFrom('relevance' as const, 'date' as const),
});

/** What the engine should answer, computed the slow way. */
function bruteForce(docs: IndexDoc[], q: Omit<EngineQuery, 'offset' | 'limit'>) {
  const words = (d: IndexDoc) => new Set([...d.title, ...d.meta, ...d.body]);
  const df = (t: string) => docs.filter((d) => words(d).has(t)).length;
  const others = (d: IndexDoc) =>
    q.filters.every((f) => d.filters.includes(f)) &&
    q.anyOf.every((g) => g.some((f) => d.filters.includes(f))) &&
    !q.excluded.some((t) => words(d).has(t)) &&
    (q.dayFrom === undefined || d.day >= q.dayFrom) &&
    (q.dayTo === undefined || d.day <= q.dayTo);
  const out = new Map<string, number>();
  for (const d of docs) {
    if (!others(d)) continue;
    if (q.exact.some((e) => d.exact.includes(e))) {
      out.set(d.key, 1000 + d.prior);
      continue;
    }
    if (!q.terms.every((t) => words(d).has(t))) continue;
    let score = d.prior;
    for (const t of [...q.terms, ...(q.optional ?? []).filter((o) => words(d).has(o))]) {
      const tf = { title: 0, meta: 0, body: 0 };
      for (const f of ['title', 'meta', 'body'] as const) tf[f] = d[f].filter((w) => w === t).length;
      const len = { title: d.title.length, meta: d.meta.length, body: d.body.length };
      const quantised = Math.max(1, Math.min(255, Math.round(impactOf(tf, len) * 255)));
      score += (idf(Math.max(1, docs.length), df(t)) * quantised) / 255;
    }
    out.set(d.key, score);
  }
  return out;
}

test('the engine finds exactly what a brute-force scan finds, with the same scores and in rank order', () => {
  fc.assert(
    fc.property(
      fc.array(docArb, { maxLength: 400 }),
      fc.array(queryArb, { minLength: 1, maxLength: 5 }),
      fc.nat(3),
      (raw, queries, batches) => {
        const docs: IndexDoc[] = raw.map((d, i) => ({ ...d, key: `p:${i}`, prior: Math.fround(d.prior) }));
        const engine = new SearchEngine();
        // some documents in segments of their own (bulk), the rest in the live segment
        const cut = Math.floor((docs.length * batches) / 4);
        for (let i = 0; i < cut; i += 97) engine.addBatch(docs.slice(i, Math.min(cut, i + 97)));
        for (const d of docs.slice(cut)) engine.upsert(d);
        for (const q0 of queries) {
          const q = { ...q0, offset: 0, limit: docs.length + 1 };
          const want = bruteForce(docs, q);
          const got = engine.search(q);
          assert.equal(got.total, want.size);
          assert.deepEqual(new Set(got.hits.map((h) => h.key)), new Set(want.keys()));
          for (const h of got.hits)
            assert.ok(Math.abs(h.score - want.get(h.key)!) < 1e-4, `${h.key} ${h.score} ${want.get(h.key)}`);
          for (let i = 1; i < got.hits.length; i++) {
            const [a, b] = [got.hits[i - 1], got.hits[i]];
            if (q.sort === 'date') assert.ok(a.day > b.day || (a.day === b.day && a.score >= b.score));
            else assert.ok(a.score > b.score || (a.score === b.score && a.day >= b.day));
          }
          // counting alone (no page) gives the same total
          assert.equal(engine.search({ ...q, limit: 0 }).total, want.size);
          // a page is a slice of the whole list
          const page = engine.search({ ...q, offset: 2, limit: 3 });
          assert.deepEqual(page.hits, got.hits.slice(2, 5));
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('updates and removals show at once, across segments and merges', () => {
  fc.assert(
    fc.property(
      fc.array(docArb, { minLength: 1, maxLength: 300 }),
      fc.array(fc.tuple(fc.nat(299), fc.boolean()), { maxLength: 80 }),
      (raw, changes) => {
        const engine = new SearchEngine();
        const current = new Map<string, IndexDoc>();
        raw.forEach((d, i) => {
          const doc = { ...d, key: `p:${i % 150}`, prior: 0 };
          if (i % 40 === 39) engine.addBatch([...current.values()].slice(0, 10));
          engine.upsert(doc);
          current.set(doc.key, doc);
        });
        for (const [i, remove] of changes) {
          const key = `p:${i % 150}`;
          if (remove) {
            engine.remove(key);
            current.delete(key);
          } else {
            const doc = { ...raw[i % raw.length], key, prior: 0, body: ['农村'] };
            engine.upsert(doc);
            current.set(key, doc);
          }
        }
        engine.mergeSmallest(3);
        const all = engine.search(wordQuery([], { limit: 1000 }));
        assert.deepEqual(new Set(all.hits.map((h) => h.key)), new Set(current.keys()));
        assert.equal(engine.size, current.size);
        const rural = engine.search(wordQuery(['农村'], { sort: 'date', limit: 1000 }));
        const want = [...current.values()].filter((d) => [...d.title, ...d.meta, ...d.body].includes('农村'));
        assert.equal(rural.total, want.length);
      },
    ),
    { numRuns: 40 },
  );
});

test('an index saved to disk reads back the same, deletions included; a torn save leaves the last one', async () => {
  const { mkdtemp, readdir, writeFile } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gk-index-'));
  const engine = new SearchEngine();
  const doc = (i: number, words: string[]): IndexDoc => ({
    key: `p:${i}`,
    title: words,
    meta: [],
    body: words,
    filters: ['s:1', `a:${i % 3}`],
    exact: i === 7 ? ['n:闽政办/2019/12'] : [],
    day: 19000 + i,
    prior: i / 1000,
    sketch: sketchOf(words.join('')),
  });
  engine.addBatch(Array.from({ length: 300 }, (_, i) => doc(i, i % 2 ? ['低保', '资金'] : ['教育'])));
  engine.upsert(doc(1000, ['低保']));
  engine.remove('p:1');
  await engine.save(dir, 42, { dictionary: 3 });
  const q = (terms: string[]) => ({
    terms,
    excluded: [],
    filters: ['s:1'],
    anyOf: [['a:1', 'a:2']],
    exact: ['n:闽政办/2019/12'],
    sort: 'relevance' as const,
    offset: 0,
    limit: 500,
  });
  const before = engine.search(q(['低保']));
  const phrase = { ...q([]), exact: [], phrases: ['保资金'] };
  const withPhrase = engine.search(phrase);
  assert.ok(withPhrase.total > 0);
  const loaded = await SearchEngine.load(dir);
  assert.ok(loaded);
  assert.deepEqual(loaded.engine.search(phrase), withPhrase);
  assert.equal(loaded.seq, 42);
  assert.deepEqual(loaded.meta, { dictionary: 3 });
  assert.deepEqual(loaded.engine.search(q(['低保'])), before);
  assert.equal(loaded.engine.size, engine.size);
  assert.ok(!loaded.engine.search(q(['低保'])).hits.some((h) => h.key === 'p:1'));
  // a removal after loading persists with the next save
  loaded.engine.remove('p:5');
  await loaded.engine.save(dir, 43);
  const again = await SearchEngine.load(dir);
  assert.equal(again?.engine.search(q(['低保'])).total, before.total - 1);
  // a save that died before its manifest was renamed leaves the last manifest in force
  await writeFile(path.join(dir, 'manifest.json.tmp'), '{"torn');
  assert.equal((await SearchEngine.load(dir))?.seq, 43);
  assert.ok((await readdir(dir)).some((f) => f.endsWith('.gks')));
  assert.equal(await SearchEngine.load(path.join(dir, 'nothing-here')), null);
});

test('a segment built from a vocabulary that outgrows its counters reads back every posting once, in order', () => {
  // more distinct words than the builder's first counter arrays hold, several times in one document
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  const docs: IndexDoc[] = Array.from({ length: 60 }, (_, i) => ({
    key: `p:${i}`,
    title: words.slice(i * 10, i * 10 + 5),
    meta: [],
    body: [...words.slice(i * 80, i * 80 + 1500), ...words.slice(i * 80, i * 80 + 1500)],
    filters: ['s:1'],
    exact: [],
    day: 1,
    prior: 0,
    sketch: NO_SKETCH,
  }));
  const seg = Segment.build(docs);
  for (const [term, info] of seg.terms) {
    const it = new Postings(seg, info);
    const seen: number[] = [];
    for (let d = it.next(0); d !== END && seen.length <= info.df; d = it.next(d + 1)) seen.push(d);
    assert.equal(seen.length, info.df, term);
    assert.ok(
      seen.every((d, i) => i === 0 || d > seen[i - 1]),
      term,
    );
  }
  const engine = new SearchEngine();
  engine.addBatch(docs);
  engine.addBatch(docs.map((d) => ({ ...d, key: `q:${d.key}` })));
  engine.mergeSmallest(2);
  for (const w of ['w0', 'w1100', 'w1500', 'w2100', 'w4999']) {
    const want = docs.filter((d) => d.body.includes(w) || d.title.includes(w)).length * 2;
    assert.equal(engine.search(wordQuery([w])).total, want, w);
  }
});

test('a term with synonyms matches a document with any of them, scored by the strongest', () => {
  const engine = new SearchEngine();
  const doc = (i: number, body: string[]): IndexDoc => ({
    key: `p:${i}`,
    title: [],
    meta: [],
    body,
    filters: [],
    exact: [],
    day: 1,
    prior: 0,
    sketch: NO_SKETCH,
  });
  engine.addBatch([
    doc(1, ['低保', '资金']),
    doc(2, ['最低生活保障', '资金']),
    doc(3, ['资金']),
    doc(4, ['低保', '最低生活保障']),
  ]);
  engine.upsert(doc(5, ['最低生活保障']));
  const q = (terms: string[]) => engine.search(wordQuery(terms, { limit: 10 }));
  assert.deepEqual(new Set(q(['低保|最低生活保障']).hits.map((h) => h.key)), new Set(['p:1', 'p:2', 'p:4', 'p:5']));
  assert.deepEqual(new Set(q(['低保|最低生活保障', '资金']).hits.map((h) => h.key)), new Set(['p:1', 'p:2']));
  assert.equal(q(['低保|无此词']).total, 2);
  assert.equal(q(['无此词|也无此词']).total, 0);
});

/** A document known only by its text's sketch. */
const textDoc = (i: number, text: string): IndexDoc => ({
  key: `p:${i}`,
  title: [],
  meta: [],
  body: [],
  filters: ['s:1'],
  exact: [],
  day: 1,
  prior: 0,
  sketch: sketchOf(text),
});

test('a sketch never rules out a document that holds the phrase, and rules out most that do not', async () => {
  const alphabet = [...'低保资金发放到户公开审批'];
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }), { minLength: 1, maxLength: 60 }),
      fc.array(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 2 }),
      (texts, phraseChars) => {
        const docs = texts.map((t, i) => textDoc(i, t.join('')));
        // in segments that are merged, a segment of its own and the live documents
        const engine = new SearchEngine();
        engine.addBatch(docs.slice(0, 10));
        engine.addBatch(docs.slice(10, 20));
        engine.mergeSmallest(2);
        engine.addBatch(docs.slice(20, 30));
        for (const d of docs.slice(30)) engine.upsert(d);
        const phrases = phraseChars.map((p) => p.join(''));
        const found = engine.search(wordQuery([], { filters: ['s:1'], phrases, limit: 100 }));
        const keys = new Set(found.hits.map((h) => h.key));
        texts.forEach((t, i) => {
          if (phrases.every((p) => t.join('').includes(p))) assert.ok(keys.has(`p:${i}`), `p:${i}`);
        });
      },
    ),
    { numRuns: 80 },
  );
  // on real documents, a phrase of four or more characters passes the sketch of few documents without it
  const texts = readFileSync(CORPUS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { title: string; body: string })
    .map((d) => foldPhrase(d.title + d.body));
  const engine = new SearchEngine();
  engine.addBatch(texts.map((t, i) => textDoc(i, t)));
  let without = 0;
  let passed = 0;
  for (let i = 0; i < 100; i++) {
    const source = texts[(i * 37) % texts.length];
    const at = (i * 131) % Math.max(1, source.length - 8);
    const phrase = source.slice(at, at + 4 + (i % 5));
    const found = new Set(
      engine.search(wordQuery([], { phrases: [phrase], sort: 'date', limit: 1000 })).hits.map((h) => h.key),
    );
    texts.forEach((t, j) => {
      if (t.includes(phrase)) assert.ok(found.has(`p:${j}`));
      else {
        without++;
        if (found.has(`p:${j}`)) passed++;
      }
    });
  }
  assert.ok(without > 15_000);
  assert.ok(passed / without < 0.01, `${passed} of ${without}`);
});

test('a merge made elsewhere keeps what was deleted or replaced while it ran out of the results', async () => {
  const engine = new SearchEngine();
  let merges = 0;
  engine.merger = async (segs) => {
    merges++;
    await new Promise((r) => setTimeout(r, 5));
    return mergeSegments(segs);
  };
  const doc = (i: number, word: string): IndexDoc => ({ ...textDoc(i, ''), title: [word] });
  // six segments of a tier start a merge on the other side
  for (let b = 0; b < 6; b++) engine.addBatch(Array.from({ length: 20 }, (_, k) => doc(b * 20 + k, '低保')));
  assert.equal(merges, 1);
  const q = (word: string) => engine.search(wordQuery([word]));
  // meanwhile: one removed, one replaced by a live document, one by a segment of its own
  engine.remove('p:3');
  engine.upsert(doc(4, '资金'));
  engine.addBatch([doc(5, '资金')]);
  assert.equal(q('低保').total, 117);
  await engine.merged();
  assert.ok(engine.segments.length < 6);
  assert.equal(q('低保').total, 117);
  assert.deepEqual(new Set(q('资金').hits.map((h) => h.key)), new Set(['p:4', 'p:5']));
  assert.ok(!q('低保').hits.some((h) => ['p:3', 'p:4', 'p:5'].includes(h.key)));
  assert.equal(engine.size, 119);
});

/** A segment's postings and sketches as plain data, in a fixed order, for comparing two segments. */
function contents(seg: Segment) {
  const terms = [...seg.terms].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    keys: seg.keys,
    day: [...seg.day],
    prior: [...seg.prior],
    postings: terms.map(([term, info]) => {
      const it = new Postings(seg, info);
      const list: number[] = [];
      for (let d = it.next(0); d !== END; d = it.next(d + 1)) list.push(d, it.impact);
      return [term, info.df, list];
    }),
    sketches: [...seg.sketches.classes]
      .sort((a, b) => a.steps - b.steps)
      .map((c) => ({ steps: c.steps, members: [...c.members], rows: [...c.rows] })),
  };
}

test('a merged segment is the segment built from the documents it keeps', () => {
  const chars = [...'低保资金发放到户公开审批教育医疗'];
  const mergeDoc = fc.record({
    title: fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }),
    body: fc.array(fc.constantFrom(...WORDS), { maxLength: 200 }),
    filters: fc.subarray(FILTERS),
    day: fc.integer({ min: 18000, max: 20000 }),
    // mostly short texts (one class of many documents, whose rows are copied a word at a time at any offset), and
    // some long enough for sketches of several sizes (a class each)
    text: fc
      .oneof(
        { weight: 4, arbitrary: fc.array(fc.constantFrom(...chars), { maxLength: 80 }) },
        { weight: 1, arbitrary: fc.array(fc.constantFrom(...chars), { maxLength: 1200 }) },
      )
      .map((t) => t.join('')),
  });
  fc.assert(
    fc.property(
      fc.array(fc.array(mergeDoc, { minLength: 1, maxLength: 90 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 60 }),
      (batches, deletions) => {
        let n = 0;
        const segs = batches.map((batch) =>
          Segment.build(
            batch.map((d) => ({
              ...d,
              key: `p:${n++}`,
              meta: [],
              exact: [],
              prior: 0,
              sketch: sketchOf(d.text),
            })),
          ),
        );
        const gone = new Set(deletions.map((d) => d % n));
        let first = 0;
        for (const seg of segs) {
          for (let local = 0; local < seg.size; local++) if (gone.has(first + local)) seg.delete(local);
          first += seg.size;
        }
        const kept = batches
          .flat()
          .map((d, i) => ({ ...d, key: `p:${i}`, meta: [], exact: [], prior: 0, sketch: sketchOf(d.text) }))
          .filter((_, i) => !gone.has(i));
        assert.deepEqual(contents(mergeSegments(segs)), contents(Segment.build(kept)));
      },
    ),
    { numRuns: 60 },
  );
});

test('a merge that fails leaves the segments searchable as they are, and later merges still happen', async () => {
  const engine = new SearchEngine();
  let fail = true;
  const errors: unknown[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  engine.merger = async (segs) => {
    if (fail) throw new Error('out of memory');
    return mergeSegments(segs);
  };
  const doc = (i: number): IndexDoc => ({ ...textDoc(i, ''), title: ['低保'] });
  try {
    for (let b = 0; b < 6; b++) engine.addBatch(Array.from({ length: 20 }, (_, k) => doc(b * 20 + k)));
    await engine.merged();
    assert.equal(errors.length, 1);
    assert.equal(engine.segments.length, 6);
    assert.equal(engine.search(wordQuery(['低保'])).total, 120);
    fail = false;
    engine.addBatch(Array.from({ length: 20 }, (_, k) => doc(120 + k)));
    await engine.merged();
    assert.ok(engine.segments.length < 6);
    assert.equal(engine.search(wordQuery(['低保'])).total, 140);
  } finally {
    console.error = log;
  }
});
