import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { SegmentBuilder } from './search.builder.ts';
import { toIndexDoc } from './search.document.ts';
import { mergeSegments, Segment } from './search.segment.ts';
import { setExtraTerms } from './search.text.ts';

test('segments are built on the worker thread, with the dictionary words, exactly as on this thread', async () => {
  const builder = new SegmentBuilder();
  try {
    builder.setTerms(['青山云办事']);
    const docs = Array.from({ length: 300 }, (_, i) => ({
      kind: 'p',
      doc: {
        id: i,
        siteId: 1,
        title: `关于青山云办事平台第${i}号公告`,
        meta: '',
        body: '城乡低保资金发放',
        filters: ['a:1'],
        date: '2024-01-01',
        valid: i % 2 === 0,
      },
    }));
    const seg = await builder.build(docs);
    assert.equal(builder.lastOnWorker, true);
    assert.equal(seg.size, 300);
    assert.equal(seg.terms.get('青山云办事')?.df, 300, 'the worker cut with the added word');
    // this thread, told the same word, cuts the same way
    setExtraTerms(['青山云办事']);
    const here = Segment.build(docs.map((d) => toIndexDoc(d.kind, d.doc)));
    for (const [term, info] of seg.terms) assert.equal(here.terms.get(term)?.df, info.df, term);
    // segments are merged there too, without their deleted documents
    here.delete(0);
    const merged = await builder.merge([seg, here]);
    assert.equal(builder.lastOnWorker, true);
    assert.equal(merged.size, 599);
    assert.deepEqual([...merged.terms.entries()], [...mergeSegments([seg, here]).terms.entries()]);
  } finally {
    await builder.close();
  }
});

test('an idle worker does not keep the process alive', () => {
  const builder = JSON.stringify(new URL('./search.builder.ts', import.meta.url).href);
  const code = `const { SegmentBuilder } = await import(${builder});
    const b = new SegmentBuilder();
    const doc = { id: 1, siteId: 1, title: '低保', meta: '', body: '', filters: [], date: '2024-01-01', valid: true };
    await b.build([{ kind: 'p', doc }]);
    // a string is never coloured, even when the terminal running the tests asks for colour
    console.log(String(b.lastOnWorker));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.stdout.trim(), 'true', r.stderr);
  assert.equal(r.status, 0, 'the process ended by itself after the build');
});
