import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CORPUS } from '../../../bench/corpus.ts';
import {
  docNoKey,
  docNosIn,
  indexNoKey,
  indexTokens,
  normalize,
  parseQuery,
  partsOf,
  phraseWords,
  queryTokens,
  setExtraTerms,
} from './search.text.ts';

test('full- and half-width forms and traditional characters fold to one form', () => {
  assert.equal(normalize('ＡＢＣ１２３　聯絡電話'), 'abc123 联络电话');
  assert.deepEqual(queryTokens('政府資訊公開'), queryTokens('政府资讯公开'));
});

test('government terms are single query tokens and are found through their parts too', () => {
  assert.deepEqual(queryTokens('三公经费'), ['三公经费']);
  assert.deepEqual(queryTokens('双随机一公开'), ['双随机一公开']);
  assert.deepEqual(queryTokens('城乡低保资金'), ['城乡低保', '资金']);
  const tokens = indexTokens('关于城乡低保资金和三公经费的公告');
  for (const t of ['城乡低保', '低保', '三公经费', '经费', '资金']) assert.ok(tokens.includes(t), t);
  // a query's tokens are always among the index tokens of the same text
  for (const s of ['污染防治攻坚战', '青山县人民政府办公室关于印发政务公开工作要点的通知', '一网通办']) {
    const idx = new Set(indexTokens(s));
    for (const t of queryTokens(s)) assert.ok(idx.has(t), `${s}: ${t}`);
  }
});

test('function words are left out of queries unless nothing else is left', () => {
  assert.deepEqual(queryTokens('低保的标准'), ['低保', '标准']);
  assert.deepEqual(queryTokens('的'), ['的']);
  assert.deepEqual(queryTokens('<script>!!!'), ['script']);
});

test('document numbers are found in their common variants', () => {
  const key = '闽政办/2019/12';
  for (const v of [
    '闽政办〔2019〕12号',
    '闽政办[2019]12号',
    '闽政办（2019）12号',
    '闽政办(2019)12号',
    '闽政办2019年12号',
    '闽政办〔2019〕第12号',
    '闽政办［２０１９］１２号',
  ])
    assert.equal(docNoKey(v), key, v);
  assert.equal(docNoKey('关于低保的通知'), null);
  assert.deepEqual(
    docNosIn('请问 岚综委干〔2023〕7号 和 闽政办2019年12号 的内容').map((d) => d.key),
    ['岚综委干/2023/7', '闽政办/2019/12'],
  );
});

test('index numbers are recognised in both styles', () => {
  assert.equal(indexNoKey('11441700007280420Y/2021-00050'), '11441700007280420y/2021-00050');
  assert.equal(indexNoKey('PZ00108-3000-2012-00001'), 'pz00108-3000-2012-00001');
  assert.equal(indexNoKey('低保'), null);
});

test('queries: words, quoted phrases and excluded words', () => {
  const q = parseQuery('低保 “资金发放” -农村 2024');
  assert.deepEqual(q.phrases, ['资金发放']);
  assert.deepEqual(q.excluded, ['农村']);
  assert.ok(q.terms.includes('低保|最低生活保障') && q.terms.includes('2024'));
  // a phrase's outer words only add to the score: the phrase may begin or end inside a word
  assert.deepEqual(q.optional, ['资金', '发放']);
  assert.ok(!q.terms.includes('农村'));
  assert.deepEqual(parseQuery('闽政办〔2019〕12号').docNos, ['闽政办/2019/12']);
  assert.deepEqual(parseQuery('x'.repeat(10000)).terms.join('').length <= 200, true);
});

test('an admin term becomes one token', () => {
  assert.notDeepEqual(queryTokens('青山云办事'), ['青山云办事']);
  assert.equal(setExtraTerms(['青山云办事']), true);
  assert.deepEqual(queryTokens('青山云办事'), ['青山云办事']);
  assert.equal(setExtraTerms(['青山云办事']), false);
});

test('a query word carries its synonyms; a compound splits into its parts', () => {
  assert.deepEqual(parseQuery('低保 标准').terms, ['低保|最低生活保障', '标准']);
  assert.deepEqual(parseQuery('新冠').terms, ['新冠|新型冠状病毒|新冠肺炎']);
  assert.deepEqual(partsOf('安全检查'), ['安全', '检查']);
  assert.deepEqual(partsOf('低保|最低生活保障'), ['低保|最低生活保障']);
  assert.deepEqual(partsOf('公开'), ['公开']);
});

test('a phrase is looked up by words its documents hold, even when it begins or ends inside a word', async () => {
  const docs = readFileSync(CORPUS, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { title: string; body: string });
  // pieces of 3 to 10 characters cut anywhere out of real documents, as a reader copies them
  let tried = 0;
  let missed = 0;
  for (let i = 0; tried < 1000; i++) {
    const d = docs[(i * 7919) % docs.length];
    const text = normalize(d.title + d.body).replace(/\s+/g, '');
    const length = 3 + (i % 8);
    const at = (i * 104_729) % Math.max(1, text.length - length);
    const phrase = text.slice(at, at + length);
    if (!/^\p{Script=Han}+$/u.test(phrase)) continue;
    tried++;
    const tokens = new Set(indexTokens(`${d.title}\n${d.body}`));
    if (!phraseWords(phrase).required.every((t) => tokens.has(t))) missed++;
  }
  assert.ok(missed / tried < 0.01, `${missed} of ${tried} missed`);
  assert.deepEqual(phraseWords('额发放到'), { required: ['发放'], optional: ['额', '到'] });
  assert.deepEqual(phraseWords('低保资金'), { required: [], optional: ['低保', '资金'] });
  assert.deepEqual(phraseWords('城乡低保资金的发放'), { required: ['资金'], optional: ['城乡低保', '发放'] });
});
