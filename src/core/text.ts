import { createRequire } from 'node:module';

/**
 * OpenCC's dictionaries and its way of converting (opencc-js's presets: normalise, segment by the phrase table, then
 * each dictionary group in turn, the longest entry at each place), held compactly: opencc-js builds a tree of Maps per
 * character that took 80 MB for simplified → traditional (the 繁体 pages) and 13 MB the other way (search); one Map
 * of whole entries per group with the longest entry per first character does the same in a few MB. Each direction
 * is built on its first use. `text.test.ts` checks the output is opencc-js's own over the shared corpus.
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

/** A dictionary as opencc-js ships it: `"from to|from to"`, or pairs. */
type Dict = string | [string, string][];
interface OpenccConfig {
  normalizationChain?: Dict[][];
  segmentation?: Dict | Dict[];
  conversionChain: Dict[][];
}

const pairsOf = (d: Dict): [string, string][] =>
  typeof d === 'string' ? d.split('|').map((line) => line.split(' ') as [string, string]) : d;

/** How far an unmatched character reaches: itself, or a whole ideographic description sequence (⿰氵工 …). */
function unmatchedEnd(s: string, i: number): number {
  const cp = s.codePointAt(i)!;
  const arity = cp >= 0x2ff0 && cp <= 0x2fff ? (cp === 0x2ff2 || cp === 0x2ff3 ? 3 : 2) : 0;
  let end = i + (cp > 0xffff ? 2 : 1);
  if (!arity) return end;
  for (let n = 0; n < arity; n++) {
    if (end >= s.length) return i + (cp > 0xffff ? 2 : 1);
    end = unmatchedEnd(s, end);
  }
  return end;
}

/** One dictionary group: at each place its longest entry; of the same entry in two dictionaries, the first's. */
class PhraseTable {
  private readonly values = new Map<string, string>();
  /** The longest entry beginning with each first code unit. */
  private readonly longest = new Map<number, number>();

  constructor(dicts: Dict[]) {
    for (const d of [...dicts].reverse())
      for (const [from, to] of pairsOf(d)) {
        this.values.set(from, to);
        const first = from.charCodeAt(0);
        if ((this.longest.get(first) ?? 0) < from.length) this.longest.set(first, from.length);
      }
  }

  private match(s: string, i: number): { end: number; value: string } | null {
    for (let len = Math.min(this.longest.get(s.charCodeAt(i)) ?? 0, s.length - i); len > 0; len--) {
      const value = this.values.get(s.slice(i, i + len));
      if (value !== undefined) return { end: i + len, value };
    }
    return null;
  }

  /** The text in pieces: each entry found, and the runs between them. */
  segment(s: string): string[] {
    const out: string[] = [];
    let run = -1;
    for (let i = 0; i < s.length; ) {
      const m = this.match(s, i);
      if (m) {
        if (run >= 0) out.push(s.slice(run, i));
        run = -1;
        out.push(s.slice(i, m.end));
        i = m.end;
      } else {
        if (run < 0) run = i;
        i = unmatchedEnd(s, i);
      }
    }
    if (run >= 0) out.push(s.slice(run));
    return out;
  }

  convert(s: string): string {
    const out: string[] = [];
    let run = -1;
    for (let i = 0; i < s.length; ) {
      const m = this.match(s, i);
      if (m) {
        if (run >= 0) out.push(s.slice(run, i));
        run = -1;
        out.push(m.value);
        i = m.end;
      } else {
        if (run < 0) run = i;
        i = unmatchedEnd(s, i);
      }
    }
    if (run >= 0) out.push(s.slice(run));
    return out.join('');
  }
}

/** A converter of one of opencc-js's configurations (s2tw, tw2s …), as its ConverterBuilder makes it. */
function converterOf(config: OpenccConfig): (s: string) => string {
  const normalize = (config.normalizationChain ?? []).map((g) => new PhraseTable(g));
  const seg = config.segmentation;
  const segmentation = seg
    ? new PhraseTable(Array.isArray(seg) && seg.every((d) => typeof d === 'string') ? (seg as Dict[]) : [seg as Dict])
    : null;
  const chain = config.conversionChain.map((g) => new PhraseTable(g));
  return (s) => {
    const t = normalize.reduce((x, table) => table.convert(x), s);
    const pieces = segmentation ? segmentation.segment(t) : [t];
    return chain.reduce((xs, table) => xs.map((x) => table.convert(x)), pieces).join('');
  };
}

const presetOf = (bundle: 'cn2t' | 't2cn', name: string): OpenccConfig =>
  (require(`opencc-js/${bundle}`) as { Locale: { configs: Record<string, OpenccConfig> } }).Locale.configs[name];

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
const toTraditional = lazy(() => converterOf(presetOf('cn2t', 's2tw')));
const toSimplified = lazy(() => converterOf(presetOf('t2cn', 'tw2s')));
const governmentPhrases = lazy(() => new PhraseTable([GOVERNMENT_PHRASES]));

/** Simplified → traditional (Taiwan standard), as the portal's 繁体 switch shows it. */
export const hant = (s: string): string => toTraditional()(governmentPhrases().convert(s));

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
