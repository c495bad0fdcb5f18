/**
 * Personal-data guard benchmark: `npm run bench:personal`. Builds a labelled set of texts — resident ID numbers,
 * mobile phones and bank cards written the ways they appear in published lists, and the numbers a government text is
 * full of that are not personal (document numbers, 索引号, credit codes, statistics, landlines, masked numbers) — and
 * prints precision and recall for each kind; then scans the real documents of the shared corpus and prints what it
 * finds there (each finding to be looked at) and the speed.
 */
import { readFileSync } from 'node:fs';
import { findPersonalData, type PersonalKind } from '../src/core/personal.ts';
import { cardNumber, creditCode, fullWidth, residentId } from '../test/support/personal.ts';
import { CORPUS } from './corpus.ts';

/** A deterministic generator, so every run scores the same set. */
let seed = 20261206;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');

const AREAS = ['110101', '310104', '350128', '350102', '430102', '431121', '440305', '510107', '650102', '820000'];
const NAMES = ['张三', '李四', '王五', '陈某某', '林秀英', '欧阳明', '黄*华'];

function birth(): string {
  const y = int(1930, 2024);
  const m = int(1, 12);
  const d = int(1, 28);
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

/** Ways a number is written in published lists. */
function written(n: string, groups: number[]): string {
  const style = int(0, 5);
  if (style === 0) return fullWidth(n);
  if (style === 1) {
    const parts: string[] = [];
    let at = 0;
    for (const g of groups) {
      parts.push(n.slice(at, at + g));
      at += g;
    }
    if (at < n.length) parts.push(n.slice(at));
    return parts.join(pick([' ', '\u3000', '-']));
  }
  return n;
}

/** A line of text around a value, as lists and notices have them. */
const line = (value: string) =>
  pick([
    `${pick(NAMES)}，${value}，补助金额 ${int(100, 3000)} 元`,
    `<td>${pick(NAMES)}</td><td>${value}</td><td>低保</td>`,
    `身份证号：${value}`,
    `联系方式：${value}。`,
    `${int(1, 300)}. ${pick(NAMES)} ${value} 危房改造`,
    `（${value}）`,
  ]);

interface Sample {
  text: string;
  /** The kinds of personal data in it, in order. */
  expect: PersonalKind[];
}

const samples: Sample[] = [];
for (let i = 0; i < 1000; i++) {
  const id = residentId(pick(AREAS), birth(), digits(3));
  samples.push({ text: line(written(id, [6, 8, 4])), expect: ['id'] });
}
for (let i = 0; i < 100; i++) {
  // mistyped: the check character is wrong
  const id = residentId(pick(AREAS), birth(), digits(3));
  samples.push({ text: line(`${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`), expect: ['id'] });
}
for (let i = 0; i < 200; i++) {
  const b = birth();
  samples.push({ text: line(`${pick(AREAS)}${b.slice(2)}${digits(3)}`), expect: ['id'] });
}
for (let i = 0; i < 600; i++) {
  const phone = `1${pick(['3', '5', '7', '8', '9'])}${digits(9)}`;
  samples.push({ text: line(pick(['', '+86 ', '86-']) + written(phone, [3, 4, 4])), expect: ['phone'] });
}
for (let i = 0; i < 400; i++) {
  const card = cardNumber(
    pick(['622202', '621700', '622848', '623058', '625965', '436742']),
    pick([16, 19]),
    int(0, 9),
  );
  samples.push({
    text: `${pick(NAMES)} 开户行：${pick(['农业银行', '建设银行', '农商银行'])} 卡号：${written(card, [4, 4, 4, 4])}`,
    expect: ['card'],
  });
}
// what a government text is full of and is not personal
const negatives = [
  () => `${pick(['青政办', '岚综管', '平政', '闽政文'])}〔${int(2000, 2026)}〕${int(1, 300)}号`,
  () =>
    `索引号：${pick(['11330127MB0000002X', 'PZ00108-3000'])}/${int(2010, 2026)}-${String(int(1, 99999)).padStart(5, '0')}`,
  () =>
    `统一社会信用代码：${creditCode(`${pick(['91', '12', '11', '52'])}${pick(AREAS)}${pick(['MA', '00', '40'])}${digits(7)}`.slice(0, 17))}`,
  () =>
    `${pick(['地区生产总值', '一般公共预算收入', '固定资产投资'])} ${digits(int(5, 12))} 万元，增长 ${int(1, 15)}.${int(0, 9)}%`,
  () => `咨询电话：${pick(['0591', '0746', '010', '021'])}-${digits(pick([7, 8]))}`,
  () => `服务热线 ${pick(['12345', '12315', '110', '96123'])}，${pick(['400', '800'])}-${digits(3)}-${digits(4)}`,
  () => `身份证号 ${pick(AREAS)}********${digits(4)}，电话 1${int(3, 9)}${digits(1)}****${digits(4)}`,
  () => `项目编号：${pick(AREAS)}${int(2015, 2026)}${digits(6)}`,
  () =>
    `${int(2015, 2026)}年${int(1, 12)}月${int(1, 28)}日，编号${int(2015, 2026)}${String(int(1, 12)).padStart(2, '0')}${String(int(1, 28)).padStart(2, '0')}${digits(4)}`,
  () => `坐标 ${int(100, 130)}.${digits(10)}, ${int(20, 45)}.${digits(10)}`,
  () => `对公账户 ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}`,
  () => `合同编号 HT${digits(16)}`,
];
for (let i = 0; i < 3000; i++) samples.push({ text: pick(negatives)(), expect: [] });

const score = new Map<PersonalKind, { tp: number; fp: number; fn: number }>();
const tally = (k: PersonalKind) => {
  if (!score.has(k)) score.set(k, { tp: 0, fp: 0, fn: 0 });
  return score.get(k)!;
};
const misses: string[] = [];
for (const s of samples) {
  const found = findPersonalData(s.text).map((f) => f.kind);
  const left = [...s.expect];
  for (const k of found) {
    const i = left.indexOf(k);
    if (i >= 0) {
      tally(k).tp++;
      left.splice(i, 1);
    } else {
      tally(k).fp++;
      misses.push(`误报 ${k}: ${s.text}`);
    }
  }
  for (const k of left) {
    tally(k).fn++;
    misses.push(`漏报 ${k}: ${s.text}`);
  }
}

console.log(`personal-data guard on ${samples.length} labelled texts (${samples.length - 3000} with personal data)`);
console.log('kind   precision  recall   tp    fp   fn');
for (const [k, { tp, fp, fn }] of [...score].sort()) {
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  console.log(
    `${k.padEnd(6)} ${precision.toFixed(4).padStart(9)}  ${recall.toFixed(4).padStart(6)}  ${String(tp).padStart(4)}  ${String(fp).padStart(4)} ${String(fn).padStart(4)}`,
  );
}
for (const m of misses.slice(0, 20)) console.log(`  ${m}`);

// the real corpus: every finding printed, to be looked at; and the speed
const docs = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { title: string; body: string });
const text = docs.map((d) => `${d.title}\n${d.body}`);
const bytes = text.reduce((n, t) => n + Buffer.byteLength(t), 0);
const started = performance.now();
let rounds = 0;
let findings: { doc: string; kind: string; text: string }[] = [];
while (performance.now() - started < 2000) {
  findings = text.flatMap((t, i) =>
    findPersonalData(t).map((f) => ({ doc: docs[i].title, kind: f.kind, text: f.text })),
  );
  rounds++;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `\nshared corpus: ${docs.length} documents, ${(bytes / 1e6).toFixed(2)} MB; ${findings.length} findings; ${((bytes * rounds) / 1e6 / seconds).toFixed(1)} MB/s`,
);
for (const f of findings) console.log(`  ${f.kind}\t${f.text}\t${f.doc}`);
