import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type * as OpenCC from 'opencc-js';
import { CORPUS } from '../../bench/corpus.ts';
import { hans, hant } from './text.ts';

test('繁體: government phrases come out right, the common traps too', () => {
  const expected: Record<string, string> = {
    补贴发放: '補貼發放',
    绩效奖金发放: '績效獎金發放',
    发布: '發布',
    发展: '發展',
    头发: '頭髮',
    理发: '理髮',
    干部: '幹部',
    干预: '干預',
    面向: '面向',
    面条: '麵條',
    制造: '製造',
    里面: '裡面',
    使用假发票: '使用假發票',
    乱发证: '亂發證',
    安全生产制度: '安全生產制度',
    申请行政复议: '申請行政復議',
    发文机关: '發文機關',
    若干意见: '若干意見',
    政府信息公开: '政府信息公開',
  };
  for (const [simplified, traditional] of Object.entries(expected))
    assert.equal(hant(simplified), traditional, simplified);
});

test('繁體: the shared corpus converts without the known wrong forms', () => {
  const docs = readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { title: string; body: string });
  const wrong = ['髮放', '髮票', '亂髮證', '產製度', '發佈', '複議', '幹預'];
  for (const d of docs) {
    const t = hant(`${d.title}\n${d.body}`);
    for (const w of wrong) assert.ok(!t.includes(w), `${w} in ${d.title}`);
  }
});

test('繁體 and 简体 are opencc-js’s own conversions (s2tw, tw2s), held compactly', () => {
  const require = createRequire(import.meta.url);
  const cn2t = require('opencc-js/cn2t') as typeof OpenCC;
  const t2cn = require('opencc-js/t2cn') as typeof OpenCC;
  const gov = t2cn.CustomConverter([
    ['发放', '發放'],
    ['发布', '發布'],
    ['发票', '發票'],
    ['发证', '發證'],
    ['发文', '發文'],
    ['复议', '復議'],
    ['产制度', '產制度'],
  ]);
  const toTraditional = cn2t.Converter({ from: 'cn', to: 'tw' });
  const toSimplified = t2cn.Converter({ from: 'tw', to: 'cn' });
  const texts = readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const d = JSON.parse(l) as { title: string; body: string };
      return `${d.title}\n${d.body}`;
    });
  // and the edges: astral characters, ideographic description sequences, compatibility ideographs, mixed scripts
  texts.push('𠮷野家的⿰氵工程和⿱艹⿰氵去，﨑嶇的路，Ａ１２３ abc，头发与发展，乾隆皇帝，干部干预，台风、颱風');
  let chars = 0;
  for (const t of texts) {
    chars += t.length;
    assert.equal(hant(t), toTraditional(gov(t)), t.slice(0, 40));
    const traditional = toTraditional(t);
    assert.equal(hans(traditional), toSimplified(traditional), t.slice(0, 40));
    assert.equal(hans(t), toSimplified(t), t.slice(0, 40));
  }
  assert.ok(chars > 100_000, `${chars} characters compared`);
});
