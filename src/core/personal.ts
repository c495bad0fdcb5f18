/**
 * Personal data in text that is about to be published (RULES.md §2 and §9): resident ID numbers (18 characters of
 * GB 11643-1999 — province, birth date, sequence, check character — or the old 15 digits), mobile phone numbers and
 * bank card numbers (Luhn). Digits may be full-width and grouped with spaces. What it must not take for personal
 * data: document numbers, 索引号, unified social credit codes, statistics, office landlines and masked numbers.
 */

export type PersonalKind = 'id' | 'phone' | 'card';

export const PERSONAL_LABELS: Record<PersonalKind, string> = { id: '身份证号', phone: '手机号码', card: '银行卡号' };

export interface Finding {
  kind: PersonalKind;
  /** Where it is in the text (code units), end exclusive. */
  start: number;
  end: number;
  /** As written. */
  text: string;
  /** What it becomes when masked. */
  masked: string;
}

/** Full-width digits and X as ASCII, one code unit for one, so positions stay the same. */
function foldDigits(s: string): string {
  return s.replace(/[０-９Ｘｘ]/g, (c) =>
    c === 'Ｘ' || c === 'ｘ' ? 'X' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** A separator inside a grouped number: a space of any width, or a hyphen. */
const SEP = '[ \\u00a0\\u3000-]';
const EDGE_BEFORE = '(?<![0-9A-Za-z*＊.])';
const EDGE_AFTER = '(?![0-9A-Za-z*＊])';
/** A phone or card number is not followed by a unit: a number with 万元 or 户 after it is a figure. */
const NO_UNIT = '(?!\\s?(?:万|亿|元|千|百|吨|公斤|千克|人|户|个|家|平方|亩|公里|米|%|％))';

/** 17 digits and a check character, or 15 digits, each group optionally separated; bank cards 16–19 digits. */
const ID18 = new RegExp(`${EDGE_BEFORE}\\d(?:${SEP}?\\d){16}${SEP}?[0-9Xx]${EDGE_AFTER}`, 'g');
const ID15 = new RegExp(`${EDGE_BEFORE}\\d(?:${SEP}?\\d){14}${EDGE_AFTER}`, 'g');
const CARD = new RegExp(`${EDGE_BEFORE}\\d(?:${SEP}?\\d){15,18}${EDGE_AFTER}${NO_UNIT}`, 'g');
/** 1[3-9]x xxxx xxxx, grouped 3-4-4 or not at all, with or without +86 before it. */
const PHONE = new RegExp(`${EDGE_BEFORE}(?:\\+?86${SEP}?)?1[3-9]\\d(?:${SEP}?\\d{4}){2}${EDGE_AFTER}${NO_UNIT}`, 'g');

/** Province codes of resident ID numbers (the first two digits; 71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
]);

/** Words that say a number is an organisation's or a document's, not a person's. */
const NOT_PERSONAL =
  /(信用代码|机构代码|识别号|税号|注册号|索引号|文号|批准号|许可证号|证书编号|项目编号|合同编号|订单号|流水号|登记号|备案号|账户|帐户|对公)[^\n。；;]{0,12}$/;
/** Words that say a number is a person's ID even when its check character is wrong (a typo is still theirs). */
const ID_LABEL = /(身份证|证件号|公民身份号码)[^\n。；;]{0,12}$/;

const compact = (s: string) => s.replace(/[^0-9X]/gi, '').toUpperCase();

/** A birth date: a real day, from 1900 to today. */
function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate() && Date.UTC(y, m - 1, d) <= Date.now();
}

/**
 * Shaped like an 18-character ID (province and birth date). Its GB 11643 check character is not required: in a list
 * of people a mistyped ID is still theirs.
 */
const idShaped = (n: string) =>
  /^\d{17}[\dX]$/.test(n) &&
  PROVINCES.has(Number(n.slice(0, 2))) &&
  validDate(Number(n.slice(6, 10)), Number(n.slice(10, 12)), Number(n.slice(12, 14)));

/** A 15-digit resident ID number of before 1999: province and a birth date in the 1900s. */
function validId15(id: string): boolean {
  if (!/^\d{15}$/.test(id) || !PROVINCES.has(Number(id.slice(0, 2)))) return false;
  return validDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)));
}

/** A unified social credit code (GB 32100-2015): 18 characters whose last is their check character. */
function creditCodeChecks(code: string): boolean {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (code.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(code[i]) * w[i];
  return chars[(31 - (sum % 31)) % 31] === code[17];
}

/** The Luhn check of card numbers. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Masks as the rules say: the first `head` and last `tail` characters stay. */
const mask = (value: string, head: number, tail: number) =>
  value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(value.length - tail);

/** The personal data found in a text, in order, none overlapping another. */
export function findPersonalData(text: string): Finding[] {
  if (!/[0-9０-９]{4}/.test(text)) return [];
  const folded = foldDigits(text);
  const found: Finding[] = [];
  const taken = (start: number, end: number) => found.some((f) => start < f.end && f.start < end);
  const add = (kind: PersonalKind, start: number, end: number, masked: string) => {
    if (!taken(start, end)) found.push({ kind, start, end, text: text.slice(start, end), masked });
  };
  const before = (index: number) => folded.slice(Math.max(0, index - 24), index);
  for (const m of folded.matchAll(ID18)) {
    const id = compact(m[0]);
    const context = before(m.index);
    if (NOT_PERSONAL.test(context)) continue;
    if (idShaped(id) || ID_LABEL.test(context)) add('id', m.index, m.index + m[0].length, mask(id, 6, 4));
  }
  for (const m of folded.matchAll(ID15)) {
    const id = compact(m[0]);
    const context = before(m.index);
    if (NOT_PERSONAL.test(context)) continue;
    if (validId15(id) || ID_LABEL.test(context)) add('id', m.index, m.index + m[0].length, mask(id, 6, 4));
  }
  for (const m of folded.matchAll(PHONE)) {
    const digits = compact(m[0]).replace(/^86(?=1[3-9]\d{9}$)/, '');
    add('phone', m.index, m.index + m[0].length, mask(digits, 3, 4));
  }
  for (const m of folded.matchAll(CARD)) {
    const digits = compact(m[0]);
    if (NOT_PERSONAL.test(before(m.index)) && !/卡号|银行卡|账号/.test(before(m.index))) continue;
    if (/^[3-69]/.test(digits) && !idShaped(digits) && !creditCodeChecks(digits) && luhn(digits))
      add('card', m.index, m.index + m[0].length, mask(digits, 6, 4));
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A text with each finding replaced by what `by` makes of it. */
function rewrite(text: string, findings: Finding[], by: (f: Finding) => string): string {
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + by(f);
    at = f.end;
  }
  return out + text.slice(at);
}

/** The text with its findings masked: all of them, or those `which` picks by their order. */
export function maskPersonalData(text: string, which: (ordinal: number) => boolean = () => true): string {
  let n = 0;
  return rewrite(text, findPersonalData(text), (f) => (which(n++) ? f.masked : f.text));
}

/** Applies `f` to the text between an HTML fragment's tags (personal data never spans a tag here). */
function eachTextRun(html: string, f: (text: string) => string): string {
  return html
    .split(/(<[^>]*>)/)
    .map((part) => (part.startsWith('<') ? part : f(part)))
    .join('');
}

/** Characters shown either side of a finding, for a reviewer to judge it. */
const CONTEXT = 12;

/** A finding with the words around it (in its own run of text). */
export interface FindingInContext extends Finding {
  context: string;
}

const inContext = (text: string, f: Finding): FindingInContext => ({
  ...f,
  context: text.slice(Math.max(0, f.start - CONTEXT), f.end + CONTEXT).replace(/\s+/g, ' '),
});

/** The personal data in a text, each with the words around it. */
export const findPersonalInText = (text: string): FindingInContext[] =>
  findPersonalData(text).map((f) => inContext(text, f));

/** The personal data in an HTML fragment's text, in order, each with the words around it. */
export function findPersonalHtml(html: string): FindingInContext[] {
  const out: FindingInContext[] = [];
  eachTextRun(html, (t) => {
    for (const f of findPersonalData(t)) out.push(inContext(t, f));
    return t;
  });
  return out;
}

/** An HTML fragment with its personal data masked: all of it, or the findings `which` picks by their order. */
export function maskPersonalHtml(html: string, which: (ordinal: number) => boolean = () => true): string {
  let n = 0;
  return eachTextRun(html, (t) => rewrite(t, findPersonalData(t), (f) => (which(n++) ? f.masked : f.text)));
}
/** An HTML fragment with its personal data marked for a reviewer (`<mark class="personal">`). */
export const markPersonalHtml = (html: string): string =>
  eachTextRun(html, (t) =>
    rewrite(
      t,
      findPersonalData(t),
      (f) => `<mark class="personal" title="疑似${PERSONAL_LABELS[f.kind]}">${f.text}</mark>`,
    ),
  );
