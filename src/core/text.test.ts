import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CORPUS } from '../../bench/corpus.ts';
import { hant } from './text.ts';

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
