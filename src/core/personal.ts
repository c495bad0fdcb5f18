/**
 * Personal data in text that is about to be published (RULES.md §2 and §9): resident ID numbers (18 characters with
 * the GB 11643-1999 check character, or the old 15 digits), mobile phone numbers and bank card numbers (Luhn). Digits
 * may be full-width and grouped with spaces. What it must not take for personal data: document numbers, 索引号,
 * unified social credit codes, statistics, office landlines and numbers already masked.
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
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = '10X98765432';

/** Words that say a number is an organisation's or a document's, not a person's. */
const NOT_PERSONAL =
  /(信用代码|机构代码|识别号|税号|注册号|索引号|文号|批准号|许可证号|证书编号|项目编号|合同编号|订单号|流水号|登记号|备案号|账户|帐户|对公)[^\n。；;]{0,12}$/;
/** Words that say a number is a person's ID even when its check character is wrong (a typo is still theirs). */
const ID_LABEL = /(身份证|证件号|公民身份号码)[^\n。；;]{0,12}$/;

const compact = (s: string) => s.replace(/[^0-9X]/gi, '').toUpperCase();

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** An 18-character resident ID number: province, birth date and GB 11643 check character. */
export function validId18(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id) || !PROVINCES.has(Number(id.slice(0, 2)))) return false;
  if (!validDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i];
  return CHECKS[sum % 11] === id[17];
}

/** Shaped like an 18-character ID (province and birth date), whatever its check character. */
const idShaped = (n: string) =>
  n.length === 18 &&
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
    if (validId18(id) || ID_LABEL.test(context)) add('id', m.index, m.index + m[0].length, mask(id, 6, 4));
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

/** The text with every finding masked. */
export const maskPersonalData = (text: string): string => rewrite(text, findPersonalData(text), (f) => f.masked);

/** Applies `f` to the text between an HTML fragment's tags (personal data never spans a tag here). */
function eachTextRun(html: string, f: (text: string) => string): string {
  return html
    .split(/(<[^>]*>)/)
    .map((part) => (part.startsWith('<') ? part : f(part)))
    .join('');
}

/** An HTML fragment with its personal data masked. */
export const maskPersonalHtml = (html: string): string => eachTextRun(html, maskPersonalData);

/** An HTML fragment with its personal data marked for a reviewer (`<mark class="personal">`). */
export const markPersonalHtml = (html: string): string =>
  eachTextRun(html, (t) =>
    rewrite(
      t,
      findPersonalData(t),
      (f) => `<mark class="personal" title="疑似${PERSONAL_LABELS[f.kind]}">${f.text}</mark>`,
    ),
  );
