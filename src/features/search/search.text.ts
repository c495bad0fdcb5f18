import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { foldWidth, hans } from '../../core/text.ts';

/**
 * Government terms jieba's general dictionary splits apart; admins add their own on top
 * (`setExtraTerms`). A word here is one token to a query and, with its parts, to the index.
 */
export const GOVERNMENT_TERMS = [
  '低保',
  '城乡低保',
  '特困供养',
  '三公经费',
  '双随机一公开',
  '放管服',
  '一网通办',
  '一件事一次办',
  '最多跑一次',
  '跨省通办',
  '政务公开',
  '依申请公开',
  '主动公开',
  '政府信息公开',
  '政策解读',
  '行政规范性文件',
  '规范性文件',
  '权责清单',
  '办事指南',
  '营商环境',
  '乡村振兴',
  '河长制',
  '林长制',
  '危房改造',
  '棚户区改造',
  '保障性住房',
  '公租房',
  '医保',
  '城乡居民医保',
  '养老保险',
  '五险一金',
  '公积金',
  '住房公积金',
  '新冠',
  '疫情防控',
  '安全生产',
  '生态环境',
  '污染防治',
  '攻坚战',
  '高标准农田',
  '耕地保护',
  '征地补偿',
  '房屋征收',
  '政府采购',
  '招投标',
  '公共资源交易',
  '预决算',
  '财政预算',
  '决算',
  '一般公共预算',
  '政府性基金',
  '专项债',
  '行政许可',
  '行政处罚',
  '行政强制',
  '行政复议',
  '行政诉讼',
  '双减',
  '义务教育',
  '两癌筛查',
  '家庭医生',
  '网格化',
  '12345',
  '最低生活保障',
  '新型冠状病毒',
  '新冠肺炎',
  '医疗保障',
  '医疗保险',
  '社会保险',
  '两违',
];

/**
 * Words residents use for what documents call otherwise: a query word finds any word of its group.
 * Each word is one token (they are in the dictionary above or in jieba's).
 */
export const SYNONYMS: string[][] = [
  ['低保', '最低生活保障'],
  ['新冠', '新型冠状病毒', '新冠肺炎'],
  ['医保', '医疗保障', '医疗保险'],
  ['社保', '社会保险'],
  ['公积金', '住房公积金'],
  ['两违', '违法建设'],
];

let extra = new Set<string>();

/**
 * The segmenter with its dictionary (36 MB), made on the first text to cut: a server that has not searched or indexed
 * yet does not hold it. The government terms and the site's own words go in with it.
 */
let segmenter: Jieba | undefined;
function jieba(): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict);
    addWords(segmenter, [...GOVERNMENT_TERMS, ...extra]);
  }
  return segmenter;
}

function addWords(j: Jieba, words: Iterable<string>) {
  const lines = [...words].map((w) => `${w} 200000 n`).join('\n');
  if (lines) j.loadDict(Buffer.from(lines));
}

function load(words: Iterable<string>) {
  if (segmenter) addWords(segmenter, words);
}

/**
 * Adds a site's own terms to the dictionary (jieba cannot forget words, so a removed word stays until
 * restart). Returns whether anything new was added, in which case the index should be rebuilt.
 */
export function setExtraTerms(words: string[]): boolean {
  const fresh = words.map((w) => normalize(w).replace(/\s+/g, '')).filter((w) => w && !extra.has(w));
  if (!fresh.length) return false;
  extra = new Set([...extra, ...fresh]);
  load(fresh);
  return true;
}

/**
 * The form text is indexed and searched in: full-width folded to half-width (NFKC), traditional
 * characters to simplified, lower case; so 聯絡電話, ＡＢＣ and abc find what they should.
 */
export function normalize(s: string): string {
  const folded = foldWidth(s).normalize('NFKC').toLowerCase();
  return hasAny(folded, traditionalTable()) ? hans(folded) : folded;
}

/** Whether any UTF-16 unit of `s` is marked in the table (a scan of codes is far cheaper than a regex class). */
function hasAny(s: string, table: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if (table[s.charCodeAt(i)]) return true;
  return false;
}

/** Characters that OpenCC changes from traditional to simplified: most text has none, and skips the conversion. */
let traditional: Uint8Array | undefined;
function traditionalTable(): Uint8Array {
  if (!traditional) {
    traditional = new Uint8Array(0x10000);
    for (let c = 0x3400; c <= 0x9fff; c++) {
      const ch = String.fromCharCode(c);
      if (hans(ch) !== ch) traditional[c] = 1;
    }
  }
  return traditional;
}

const WORD = /^[\p{Script=Han}\p{L}\p{N}]+$/u;
/** The basic plane's characters that are not part of a word (Han, letters, digits): a table scan is far cheaper. */
let notWord: Uint8Array | undefined;
function notWordTable(): Uint8Array {
  if (!notWord) {
    notWord = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++)
      if (!(c >= 0xd800 && c <= 0xdfff) && !WORD.test(String.fromCharCode(c))) notWord[c] = 1;
  }
  return notWord;
}
/** Whether a token is a word, as WORD says; characters beyond the basic plane go to the regex. */
function isWord(t: string): boolean {
  if (!t) return false;
  const table = notWordTable();
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return WORD.test(t);
    if (table[c]) return false;
  }
  return true;
}

/** Function words that match nearly every document: left out of queries (never out of the index). */
const STOP = new Set(['的', '了', '和', '与', '及', '或', '在', '是', '对', '为', '等', '之', '把', '被', '于', '以']);

/**
 * Index tokens: the search-mode cut, so that a document is found by a compound and by its parts. `normalized`
 * says the text has been through `normalize` already.
 */
export function indexTokens(text: string, normalized = false): string[] {
  if (!text) return [];
  return jieba()
    .cutForSearch(normalized ? text : normalize(text), false)
    .filter(isWord);
}

/** Text as phrases are compared: normalised, without white space (a phrase may be broken across lines). */
export const foldPhrase = (text: string, normalized = false) =>
  (normalized ? text : normalize(text)).replace(/\s+/g, '');

/** The words of a text in the normal cut, in order. */
const cutWords = (text: string) => jieba().cut(normalize(text), false).filter(isWord);

/** Query tokens: the normal cut (each is in the index of a document that has the words), without function words. */
export function queryTokens(text: string): string[] {
  const words = cutWords(text);
  const kept = words.filter((t) => !STOP.has(t));
  return kept.length ? kept : words;
}

/** Words any question is worded with, which say nothing of what it is about. */
const QUESTION_WORDS = new Set(
  '请问 咨询 问题 关于 如何 怎么 怎样 怎么办 什么 哪些 哪里 哪个 多久 多少 需要 能否 能不能 可以 是否 一下 了解 反映 相关 有关 情况 办理 申请 建议 投诉 求助 我们 你们 您好'.split(
    ' ',
  ),
);

/** The words of a free-worded question that say what it is about (for answers like it), in order, without repeats. */
export const questionWords = (text: string) => [
  ...new Set(queryTokens(text).filter((w) => w.length >= 2 && !QUESTION_WORDS.has(w))),
];

/**
 * The words of a phrase, as a search takes them. A phrase may begin or end inside a word (资金发 of 资金发放), which
 * the text's cut keeps whole, and a one-character word may be part of a longer one there: only the phrase's inner
 * words of two characters or more are required of a document; the others only add to its score. A phrase with no
 * such word is looked for by its sketch alone.
 */
export function phraseWords(phrase: string): { required: string[]; optional: string[] } {
  const words = cutWords(phrase);
  const required = words.slice(1, -1).filter((t) => t.length >= 2 && !STOP.has(t));
  const optional = words.filter((t) => !required.includes(t) && !STOP.has(t));
  return { required, optional };
}

/**
 * A document number's key: 闽政办〔2019〕12号, 闽政办[2019]12号, 闽政办（2019）12号 and 闽政办2019年12号 are
 * all `闽政办/2019/12`. Null when the text is not a document number.
 */
export function docNoKey(s: string): string | null {
  const m =
    /^\s*([\p{Script=Han}A-Za-z]{1,20}?)\s*[〔［[（(【〖{]?\s*((?:19|20)\d{2})\s*[〕］\]）)】〗}年]?\s*第?\s*(\d{1,5})\s*号?\s*$/u.exec(
      normalize(s).replace(/\s+/g, ''),
    );
  return m ? `${m[1]}/${m[2]}/${Number(m[3])}` : null;
}

/** Document numbers written anywhere in a text (a query may hold one among other words). */
export function docNosIn(text: string): { key: string; raw: string }[] {
  const out: { key: string; raw: string }[] = [];
  const re =
    /[\p{Script=Han}A-Za-z]{1,20}\s*[〔［[（(【〖{]\s*(?:19|20)\d{2}\s*[〕］\]）)】〗}]\s*第?\s*\d{1,5}\s*号?|[\p{Script=Han}A-Za-z]{1,20}(?:19|20)\d{2}年第?\d{1,5}号/gu;
  for (const m of normalize(text).matchAll(re)) {
    const key = docNoKey(m[0]);
    if (key) out.push({ key, raw: m[0] });
  }
  return out;
}

/** A 索引号 as typed: `<agency code>/<year>-<serial>`, or the older `PZ00108-3000-2012-00001` style. */
export function indexNoKey(s: string): string | null {
  const t = normalize(s).replace(/\s+/g, '');
  return /^[0-9a-z-]{4,40}\/\d{4}-\d{3,6}$/.test(t) || /^[0-9a-z]{2,20}(-[0-9a-z]{1,10}){2,5}$/.test(t) ? t : null;
}

const synonymOf = new Map(SYNONYMS.flatMap((group) => group.map((w) => [w, group] as const)));

/** A query word with its synonyms, as the engine takes them (`低保|最低生活保障`). */
export function withSynonyms(word: string): string {
  const group = synonymOf.get(word);
  return group ? [word, ...group.filter((w) => w !== word)].join('|') : word;
}

/** The words a query term stands for (itself and its synonyms). */
export const alternatives = (term: string) => term.split('|');

/**
 * Smaller words inside a compound query word (安全检查 → 安全, 检查), to find documents that write it
 * apart (安全大检查) when the whole word finds nothing.
 */
export function partsOf(term: string): string[] {
  if (term.includes('|')) return [term];
  const parts = jieba()
    .cutForSearch(term, false)
    .filter((t) => t !== term && t.length >= 2 && isWord(t));
  return parts.length >= 2 ? [...new Set(parts)] : [term];
}

export interface ParsedQuery {
  /** Words that must all be in a result; `a|b` is a word and its synonyms (the word typed first). */
  terms: string[];
  /** Phrases ("quoted") that must each appear as written. */
  phrases: string[];
  /** Words of the phrases a result need not have as words (see `phraseWords`); they add to its score. */
  optional: string[];
  /** Words that must not be in a result (-word). */
  excluded: string[];
  /** Document-number keys and 索引号 keys in the query: a match ranks first. */
  docNos: string[];
  indexNos: string[];
}

const MAX_QUERY = 200;

/** Parses what a resident types: several words, "quoted phrases" (also 「」 and “”), -excluded words. */
export function parseQuery(raw: string): ParsedQuery {
  let q = normalize(raw.slice(0, MAX_QUERY));
  const phrases: string[] = [];
  q = q.replace(/["“”「」『』]([^"“”「」『』]{1,100})["“”「」『』]/g, (_, p: string) => {
    if (p.trim()) phrases.push(p.trim());
    return ' ';
  });
  const excluded: string[] = [];
  q = q.replace(/(^|\s)[-－]([^\s-－]{1,50})/g, (_, sp: string, w: string) => {
    excluded.push(...queryTokens(w));
    return sp;
  });
  const indexNos: string[] = [];
  const docNos: string[] = [];
  for (const word of q.split(/\s+/)) {
    const ix = indexNoKey(word);
    if (ix) indexNos.push(ix);
  }
  for (const d of docNosIn(q)) docNos.push(d.key);
  const inPhrases = phrases.map(phraseWords);
  const terms = [...new Set([...queryTokens(q), ...inPhrases.flatMap((p) => p.required)])].map(withSynonyms);
  const optional = [...new Set(inPhrases.flatMap((p) => p.optional))]
    .map(withSynonyms)
    .filter((t) => !terms.includes(t));
  return { terms, phrases, optional, excluded: [...new Set(excluded)], docNos: [...new Set(docNos)], indexNos };
}
