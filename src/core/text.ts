import { createRequire } from 'node:module';
import type * as OpenCC from 'opencc-js';

/**
 * OpenCC's two directions are loaded apart, each on its first use: simplified → traditional (the 繁体 pages) holds
 * 80 MB of phrase tables, traditional → simplified (search) 13 MB; a server nobody asks for 繁体 never loads the first.
 */
const require = createRequire(import.meta.url);

/** A value made on its first use and kept. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => {
    if (!made) made = { value: make() };
    return made.value;
  };
}
const t2cn = () => require('opencc-js/t2cn') as typeof OpenCC;

/**
 * Government phrases OpenCC gets wrong, taken first (longest match) so that OpenCC never sees them: its phrase table
 * reads 奖金发放 as 金发 (golden hair) + 放, 假发票 as 假发 (a wig), 生产制度 as 产制, and writes 发布 and 复议 in
 * forms government text does not use. Found by converting the shared corpus and reading the differences. An entry's
 * traditional form must hold no character OpenCC would convert again (干, 面, 里 …): those phrases are OpenCC's own.
 */
const GOVERNMENT_PHRASES: [string, string][] = [
  ['发放', '發放'],
  ['发布', '發布'],
  ['发票', '發票'],
  ['发证', '發證'],
  ['发文', '發文'],
  ['复议', '復議'],
  ['产制度', '產制度'],
];
const toTraditional = lazy(() => (require('opencc-js/cn2t') as typeof OpenCC).Converter({ from: 'cn', to: 'tw' }));
const toSimplified = lazy(() => t2cn().Converter({ from: 'tw', to: 'cn' }));
const governmentPhrases = lazy(() => t2cn().CustomConverter(GOVERNMENT_PHRASES));

/** Simplified → traditional (Taiwan standard), as the portal's 繁体 switch shows it. */
export const hant = (s: string): string => toTraditional()(governmentPhrases()(s));

/** Traditional → simplified (what search indexes and looks for). */
export const hans = (s: string): string => toSimplified()(s);

/** Folds full-width ASCII forms and the ideographic space to half-width. */
export function foldWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes control characters (tab and newlines stay) and lone surrogates; normalises to NFC. */
export function cleanText(s: string): string {
  // the checks are far cheaper than the replacements, and most text needs none
  const whole = s.isWellFormed() ? s : s.replace(LONE_SURROGATE, '');
  return (whole.search(CONTROL) >= 0 ? whole.replace(CONTROL, '') : whole).normalize('NFC');
}

/** The paragraphs of a plain text (blank lines separate them), trimmed. */
export const paragraphsOf = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
