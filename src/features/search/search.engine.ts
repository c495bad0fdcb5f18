import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * An in-process inverted index with BM25F ranking, built for Chinese government text at city scale.
 *
 * - Each posting carries a precomputed *impact*: the BM25 term-frequency part over the weighted fields
 *   (title, metadata, body), quantised to a byte. A query's score is Σ idf(term) × impact + the document's
 *   static prior (recency, validity) + a large bonus for an exact document- or index-number match.
 * - Postings are delta-encoded in blocks of 128 with each block's last document id, so intersecting a rare
 *   word with a common one skips whole blocks of the common one undecoded.
 * - Filters (site, agency, column, genre, …) are tokens of the same index and cost a skip each.
 * - Each document keeps a *sketch* of its text: a small bit set of its runs of two to four characters. A quoted
 *   phrase can only be in a document whose sketch has all the phrase's runs, so phrases are filtered here, before the
 *   database confirms the few that are shown; a sketch never rules out a document that has the phrase.
 * - Documents live in immutable segments plus one small live segment for fresh changes; an update marks the
 *   old copy deleted. Segments are written to disk and merged when they multiply.
 * The database stays the system of record: the index can always be rebuilt from it.
 */

/** Weights of the fields and BM25 parameters. Lengths are normalised against fixed typical lengths so that
 * impacts computed in different segments compare, and survive merges unchanged. */
export const FIELDS = {
  title: { weight: 4, avgLength: 14 },
  meta: { weight: 2, avgLength: 40 },
  body: { weight: 1, avgLength: 600 },
} as const;
const K1 = 1.2;
const B = 0.6;
const BLOCK = 128;
/** A document- or index-number match outranks any word match. */
const EXACT_BONUS = 1000;

export interface IndexDoc {
  /** The document's key across the whole index, e.g. `p:123` (a publication) or `g:4` (a gazette issue). */
  key: string;
  /** Tokens per field, from `indexTokens`. */
  title: string[];
  meta: string[];
  body: string[];
  /** Tokens that only filter (site, agency, column, genre …); they carry no score. */
  filters: string[];
  /** Exact-match keys (document number, 索引号). */
  exact: string[];
  /** The document's date as days since 1970-01-01, for date order and date ranges. */
  day: number;
  /** A small static score: recency, validity. */
  prior: number;
  /** The sketch of the text phrases are looked for in (`sketchOf`). */
  sketch: Uint8Array;
}

/**
 * A document's sketch holds its text's runs of two, three and four characters, in SKETCH_BITS_PER_CHAR bits per
 * character (in steps of 64 bytes, at most 4 KB): under a third of the bits are set, and a phrase of n characters
 * must find 3n − 6 of them set, so it lets through few documents without it — mostly those that hold its pieces
 * apart. A text past 5,000 characters fills its sketch more.
 */
const SKETCH_BITS_PER_CHAR = 6;
const SKETCH_STEP = 64;
const SKETCH_MAX_STEPS = 64;

const mix = (h: number) => {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h >>> 0;
};

/** A 32-bit hash of each run of two, three and four neighbouring characters of a folded text. */
function gramHashes(folded: string, each: (hash: number) => void) {
  for (let i = 0; i + 1 < folded.length; i++) {
    let h = Math.imul(folded.charCodeAt(i), 0x9e3779b1) ^ Math.imul(folded.charCodeAt(i + 1), 0x85ebca77);
    each(mix(h));
    for (let k = 2; k < 4 && i + k < folded.length; k++) {
      h ^= Math.imul(folded.charCodeAt(i + k), 0xc2b2ae3d + k) ^ Math.imul(0x27d4eb2f, k);
      each(mix(h));
    }
  }
}

/** The bit a hash sets in a sketch of this many bits. */
const bitOf = (hash: number, bits: number) => Math.floor((hash * bits) / 0x100000000);

/** A text's sketch: the bits of its runs of characters. The text is folded as phrases are (`normalize`, no spaces). */
export function sketchOf(folded: string): Uint8Array {
  const wanted = Math.ceil((folded.length * SKETCH_BITS_PER_CHAR) / (SKETCH_STEP * 8));
  const out = new Uint8Array(Math.min(SKETCH_MAX_STEPS, Math.max(1, wanted)) * SKETCH_STEP);
  const bits = out.length * 8;
  gramHashes(folded, (h) => {
    const b = bitOf(h, bits);
    out[b >>> 3] |= 1 << (b & 7);
  });
  return out;
}

/** The hashes a document's sketch must have for it to hold every phrase (folded alike). */
function phraseHashes(phrases: string[]): number[] {
  const hashes = new Set<number>();
  for (const p of phrases) gramHashes(p, (h) => hashes.add(h));
  return [...hashes];
}

/** The impact of a term in a document: BM25's saturating function over the weighted field frequencies. */
export function impactOf(
  tf: { title: number; meta: number; body: number },
  len: { title: number; meta: number; body: number },
): number {
  // the fields one by one, not in a loop over their names: this runs for every term of every document indexed
  const { title, meta, body } = FIELDS;
  let w = 0;
  if (tf.title) w += (title.weight * tf.title) / (1 - B + (B * len.title) / title.avgLength);
  if (tf.meta) w += (meta.weight * tf.meta) / (1 - B + (B * len.meta) / meta.avgLength);
  if (tf.body) w += (body.weight * tf.body) / (1 - B + (B * len.body) / body.avgLength);
  return w / (K1 + w);
}

/** Filter and exact tokens have token spaces of their own, apart from words. */
const filterToken = (t: string) => `\u0001${t}`;
const exactToken = (t: string) => `\u0002${t}`;

const quantise = (impact: number) => Math.max(1, Math.min(255, Math.round(impact * 255)));

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** A copy of a typed array at least `min` long (doubling), with its values. */
function grow<T extends Int32Array | Uint8Array>(a: T, min: number): T {
  let size = a.length * 2;
  while (size < min) size *= 2;
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

// ———————————————————————————— variable-byte coding ————————————————————————————

class ByteWriter {
  buf = new Uint8Array(1 << 16);
  length = 0;
  private ensure(n: number) {
    if (this.length + n > this.buf.length) this.buf = grow(this.buf, this.length + n);
  }
  varint(v: number) {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.length++] = v;
  }
  byte(v: number) {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  result() {
    return this.buf.slice(0, this.length);
  }
}

// ———————————————————————————— segments ————————————————————————————

/** One term's postings in a segment: where its blocks are. */
interface TermInfo {
  df: number;
  /** Index of its first block in the segment's block tables. */
  firstBlock: number;
  blocks: number;
}

/**
 * The sketches of a segment's documents, sliced: documents with sketches of the same size form a class, and a class
 * keeps each bit position of its sketches as one row of bits, a bit per document. A scan for a phrase then ANDs the
 * few rows the phrase's runs fall on, reading memory in order, instead of visiting every document's sketch.
 */
class SketchTable {
  constructor(
    /** Per class: its sketches' size in SKETCH_STEP bytes, its documents in order, and its rows (32-bit words). */
    readonly classes: { steps: number; members: Uint32Array; rows: Uint32Array }[],
    /** How many documents the segment has. */
    readonly size: number,
  ) {}

  static build(count: number, sketch: (i: number) => Uint8Array): SketchTable {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const steps = sketch(i).length / SKETCH_STEP;
      const list = byClass.get(steps);
      if (list) list.push(i);
      else byClass.set(steps, [i]);
    }
    const classes = [...byClass.entries()].map(([steps, docs]) => {
      const words = (docs.length + 31) >>> 5;
      const rows = new Uint32Array(steps * SKETCH_STEP * 8 * words);
      docs.forEach((d, slot) => {
        const bytes = sketch(d);
        const at = slot >>> 5;
        const bit = 1 << (slot & 31);
        for (let i = 0; i < bytes.length; i++) {
          const v = bytes[i];
          if (v) for (let k = 0; k < 8; k++) if (v & (1 << k)) rows[(i * 8 + k) * words + at] |= bit;
        }
      });
      return { steps, members: Uint32Array.from(docs), rows };
    });
    return new SketchTable(classes, count);
  }

  /**
   * The tables of merged segments as one: `renumber[i]` gives each document of table i its number in the merged
   * segment, or -1 when it is left out. The numbering keeps the tables' order, so each class's rows are the rows of
   * the tables' classes side by side: copied a word at a time where none of a class's documents is left out.
   */
  static concat(tables: SketchTable[], renumber: Int32Array[]): SketchTable {
    const bySteps = new Map<number, { cls: SketchTable['classes'][number]; map: Int32Array; live: number[] }[]>();
    tables.forEach((t, i) => {
      for (const cls of t.classes) {
        const live: number[] = [];
        cls.members.forEach((d, slot) => {
          if (renumber[i][d] >= 0) live.push(slot);
        });
        if (live.length) getOrAdd(bySteps, cls.steps, () => []).push({ cls, map: renumber[i], live });
      }
    });
    let size = 0;
    for (const r of renumber) for (const to of r) if (to >= 0) size++;
    const classes = [...bySteps].map(([steps, parts]) => {
      const total = parts.reduce((n, p) => n + p.live.length, 0);
      const words = (total + 31) >>> 5;
      const bits = steps * SKETCH_STEP * 8;
      const rows = new Uint32Array(bits * words);
      const members = new Uint32Array(total);
      let at = 0;
      for (const { cls, map, live } of parts) {
        const from = (cls.members.length + 31) >>> 5;
        if (live.length === cls.members.length) {
          const shift = at & 31;
          for (let b = 0; b < bits; b++) {
            const dest = b * words + (at >>> 5);
            for (let w = 0; w < from; w++) {
              const v = cls.rows[b * from + w];
              if (!v) continue;
              rows[dest + w] |= v << shift;
              if (shift && v >>> (32 - shift) !== 0) rows[dest + w + 1] |= v >>> (32 - shift);
            }
          }
        } else
          for (let b = 0; b < bits; b++)
            live.forEach((slot, k) => {
              if (cls.rows[b * from + (slot >>> 5)] & (1 << (slot & 31)))
                rows[b * words + ((at + k) >>> 5)] |= 1 << ((at + k) & 31);
            });
        live.forEach((slot, k) => {
          members[at + k] = map[cls.members[slot]];
        });
        at += live.length;
      }
      return { steps, members, rows };
    });
    return new SketchTable(classes, size);
  }

  /** The documents whose sketch has every hash, in order. */
  matches(hashes: number[]): number[] {
    const out: number[] = [];
    for (const { steps, members, rows } of this.classes) {
      const words = (members.length + 31) >>> 5;
      const bits = steps * SKETCH_STEP * 8;
      const starts = hashes.map((h) => bitOf(h, bits) * words);
      for (let w = 0; w < words; w++) {
        let v = rows[starts[0] + w];
        for (let i = 1; i < starts.length && v; i++) v &= rows[starts[i] + w];
        for (; v; v &= v - 1) out.push(members[w * 32 + (31 - Math.clz32(v & -v))]);
      }
    }
    return out.sort((a, b) => a - b);
  }
}

/**
 * An immutable set of documents with their postings. Documents are numbered 0..size-1 in the segment.
 */
export class Segment {
  readonly deleted: Uint8Array;
  liveCount: number;
  constructor(
    readonly keys: string[],
    readonly day: Int32Array,
    readonly prior: Float32Array,
    readonly terms: Map<string, TermInfo>,
    /** Per block: the last document id, the byte offset of the block, the number of postings. */
    readonly blockLast: Uint32Array,
    readonly blockOffset: Uint32Array,
    readonly blockCount: Uint8Array,
    readonly postings: Uint8Array,
    readonly sketches: SketchTable,
    deleted?: Uint8Array,
  ) {
    this.deleted = deleted ?? new Uint8Array(keys.length);
    this.liveCount = this.deleted.reduce((n, d) => n + (d ? 0 : 1), 0);
  }

  get size() {
    return this.keys.length;
  }

  delete(local: number) {
    if (!this.deleted[local]) {
      this.deleted[local] = 1;
      this.liveCount--;
    }
  }

  /** Builds a segment from documents (their order is kept as the local numbering). */
  static build(docs: IndexDoc[]): Segment {
    // terms are numbered as they come; per-document counts (three fields a term) live in one reusable array, and
    // the postings in three flat arrays in document order (term, document, impact), put in term order at the end
    const ids = new Map<string, number>();
    let counts = new Int32Array(3 * 1024);
    let df = new Int32Array(1024);
    let postTerm = new Int32Array(1 << 16);
    let postDoc = new Int32Array(1 << 16);
    let postImpact = new Uint8Array(1 << 16);
    let n = 0;
    const idOf = (term: string) => {
      let id = ids.get(term);
      if (id === undefined) {
        id = ids.size;
        ids.set(term, id);
        if (id >= df.length) {
          df = grow(df, id + 1);
          counts = grow(counts, 3 * df.length);
        }
      }
      return id;
    };
    const post = (id: number, doc: number, impact: number) => {
      if (n === postTerm.length) {
        postTerm = grow(postTerm, n + 1);
        postDoc = grow(postDoc, n + 1);
        postImpact = grow(postImpact, n + 1);
      }
      postTerm[n] = id;
      postDoc[n] = doc;
      postImpact[n++] = impact;
      df[id]++;
    };
    const touched: number[] = [];
    // reused for every term of every document
    const tf = { title: 0, meta: 0, body: 0 };
    const len = { title: 0, meta: 0, body: 0 };
    for (let doc = 0; doc < docs.length; doc++) {
      const d = docs[doc];
      const fields = [d.title, d.meta, d.body];
      for (let f = 0; f < 3; f++) {
        const tokens = fields[f];
        for (let k = 0; k < tokens.length; k++) {
          // idOf may replace the count array: read it after
          const at = 3 * idOf(tokens[k]);
          if (counts[at] === 0 && counts[at + 1] === 0 && counts[at + 2] === 0) touched.push(at);
          counts[at + f]++;
        }
      }
      len.title = d.title.length;
      len.meta = d.meta.length;
      len.body = d.body.length;
      for (const at of touched) {
        tf.title = counts[at];
        tf.meta = counts[at + 1];
        tf.body = counts[at + 2];
        post(at / 3, doc, quantise(impactOf(tf, len)));
        counts[at] = counts[at + 1] = counts[at + 2] = 0;
      }
      touched.length = 0;
      // filter and exact tokens carry no word score; they live in token spaces of their own
      for (const t of new Set([...d.filters.map(filterToken), ...d.exact.map(exactToken)])) post(idOf(t), doc, 0);
    }
    // each term's postings together, still in document order (a counting sort by term)
    const start = new Int32Array(ids.size + 1);
    for (let id = 0; id < ids.size; id++) start[id + 1] = start[id] + df[id];
    const fill = start.slice(0, ids.size);
    const byTerm = new Int32Array(n);
    for (let i = 0; i < n; i++) byTerm[fill[postTerm[i]]++] = i;
    const w = new PostingsWriter();
    for (const [term, id] of ids) {
      for (let k = start[id]; k < start[id + 1]; k++) w.add(postDoc[byTerm[k]], postImpact[byTerm[k]]);
      w.endTerm(term);
    }
    return w.segment(
      docs.map((d) => d.key),
      Int32Array.from(docs, (d) => d.day),
      Float32Array.from(docs, (d) => d.prior),
      SketchTable.build(docs.length, (i) => docs[i].sketch),
    );
  }
}

/**
 * Writes a segment's postings term by term, in document order within a term: blocks of BLOCK postings, each
 * posting a document gap (variable bytes) and an impact byte. Building and merging write through it.
 */
class PostingsWriter {
  private readonly out = new ByteWriter();
  private readonly blockLast: number[] = [];
  private readonly blockOffset: number[] = [];
  private readonly blockCount: number[] = [];
  private readonly terms = new Map<string, TermInfo>();
  private firstBlock = 0;
  private df = 0;
  private inBlock = 0;
  /** The term's previous document (a block's first gap is from the previous block's last document). */
  private prev = -1;

  add(doc: number, impact: number) {
    if (this.inBlock === 0) this.blockOffset.push(this.out.length);
    this.out.varint(doc - this.prev - 1);
    this.out.byte(impact);
    this.prev = doc;
    this.df++;
    if (++this.inBlock === BLOCK) this.closeBlock();
  }

  private closeBlock() {
    // a block holds at most 128 postings; 128 is stored as 0
    this.blockCount.push(this.inBlock & 0xff);
    this.blockLast.push(this.prev);
    this.inBlock = 0;
  }

  /** Ends the term whose postings were added since the last call; a term without any is left out. */
  endTerm(term: string) {
    if (this.inBlock) this.closeBlock();
    if (this.df)
      this.terms.set(term, {
        df: this.df,
        firstBlock: this.firstBlock,
        blocks: this.blockLast.length - this.firstBlock,
      });
    this.firstBlock = this.blockLast.length;
    this.df = 0;
    this.prev = -1;
  }

  segment(keys: string[], day: Int32Array, prior: Float32Array, sketches: SketchTable): Segment {
    return new Segment(
      keys,
      day,
      prior,
      this.terms,
      Uint32Array.from(this.blockLast),
      Uint32Array.from(this.blockOffset),
      Uint8Array.from(this.blockCount),
      this.out.result(),
      sketches,
    );
  }
}

/**
 * Decodes block `b` of a segment into `docs` and `impacts`; `prev` is the document before the block (the previous
 * block's last, or -1 for a term's first block). Returns the block's length.
 */
function decodeBlock(seg: Segment, b: number, prev: number, docs: Int32Array, impacts: Uint8Array): number {
  const p = seg.postings;
  let at = seg.blockOffset[b];
  const n = seg.blockCount[b] || BLOCK;
  for (let k = 0; k < n; k++) {
    let v = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = p[at++];
      v |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    prev += v + 1;
    docs[k] = prev;
    impacts[k] = p[at++];
  }
  return n;
}

export const END = 0x7fffffff;

/** Moves through document numbers in order; `impact` belongs to the current document. */
export interface Cursor {
  doc: number;
  impact: number;
  readonly df: number;
  next(target: number): number;
}

/** Several terms as one (synonyms): a document matches if it has any of them; the strongest counts. */
class Union implements Cursor {
  doc = -1;
  impact = 0;
  readonly df: number;
  constructor(private readonly parts: Cursor[]) {
    this.df = parts.reduce((n, p) => n + p.df, 0);
  }
  next(target: number): number {
    if (this.doc >= target) return this.doc;
    let min = END;
    for (const p of this.parts) min = Math.min(min, p.next(target));
    let impact = 0;
    for (const p of this.parts) if (p.doc === min) impact = Math.max(impact, p.impact);
    this.doc = min;
    this.impact = impact;
    return min;
  }
}

/** A cursor over one term's postings in a segment, decoding one block at a time. */
export class Postings implements Cursor {
  private block: number;
  private readonly firstBlock: number;
  private readonly lastBlock: number;
  readonly docs = new Int32Array(BLOCK);
  readonly impacts = new Uint8Array(BLOCK);
  private i = 0;
  private loaded = -1;
  doc = -1;
  impact = 0;
  readonly df: number;
  constructor(
    private readonly seg: Segment,
    readonly info: TermInfo,
  ) {
    this.firstBlock = this.block = info.firstBlock;
    this.lastBlock = info.firstBlock + info.blocks - 1;
    this.df = info.df;
  }

  private load(b: number) {
    const s = this.seg;
    // a block's first document is relative to the previous block's last one
    decodeBlock(s, b, b === this.firstBlock ? -1 : s.blockLast[b - 1], this.docs, this.impacts);
    this.i = 0;
    this.loaded = b;
  }

  /** Decodes the next block into `docs` and `impacts` (for reading a whole list); returns its length, 0 at the end. */
  loadNext(): number {
    const b = this.loaded < 0 ? this.firstBlock : this.loaded + 1;
    if (b > this.lastBlock) return 0;
    this.load(b);
    this.block = b;
    return this.seg.blockCount[b] || BLOCK;
  }

  /** Moves to the first document ≥ target; returns it, or END. */
  next(target: number): number {
    if (this.doc >= target) return this.doc;
    // skip whole blocks that end before the target, undecoded
    while (this.block <= this.lastBlock && this.seg.blockLast[this.block] < target) this.block++;
    if (this.block > this.lastBlock) {
      this.doc = END;
      return END;
    }
    if (this.loaded !== this.block) this.load(this.block);
    while (this.docs[this.i] < target) this.i++;
    this.doc = this.docs[this.i];
    this.impact = this.impacts[this.i];
    return this.doc;
  }
}

/**
 * A list most documents of a segment are on, as one byte a document (its impact, 1 for a filter, 0 where absent):
 * checking a document is then a read, not a walk through blocks. Made when a query first intersects with the list,
 * and kept with the segment for the next queries (its DENSE_KEPT most recently used lists, a byte a document each).
 */
class Dense implements Cursor {
  doc = -1;
  impact = 0;
  constructor(
    private readonly values: Uint8Array,
    readonly df: number,
  ) {}
  next(target: number): number {
    if (this.doc >= target) return this.doc;
    const v = this.values;
    let d = target;
    while (d < v.length && v[d] === 0) d++;
    this.doc = d < v.length ? d : END;
    this.impact = d < v.length ? v[d] : 0;
    return this.doc;
  }
}

/** Documents listed in order (those a phrase's sketch lets through) as a cursor. */
class Listed implements Cursor {
  doc = -1;
  impact = 0;
  readonly df: number;
  private i = 0;
  constructor(private readonly docs: number[]) {
    this.df = docs.length;
  }
  next(target: number): number {
    if (this.doc >= target) return this.doc;
    while (this.i < this.docs.length && this.docs[this.i] < target) this.i++;
    this.doc = this.i < this.docs.length ? this.docs[this.i] : END;
    return this.doc;
  }
}

/** A list is kept dense when at least this share of a segment's documents are on it. */
const DENSE_SHARE = 1 / 16;
/** Dense lists kept per segment: one byte a document each. */
const DENSE_KEPT = 64;
const denseLists = new WeakMap<Segment, Map<TermInfo, Uint8Array>>();

/** The cursor itself, or a dense one over the same list when the list is dense enough. */
function densify(seg: Segment, c: Cursor): Cursor {
  if (!(c instanceof Postings) || c.df < seg.size * DENSE_SHARE) return c;
  let kept = denseLists.get(seg);
  if (!kept) {
    kept = new Map();
    denseLists.set(seg, kept);
  }
  let values = kept.get(c.info);
  if (values) kept.delete(c.info);
  else {
    values = new Uint8Array(seg.size);
    const all = new Postings(seg, c.info);
    for (let n = all.loadNext(); n > 0; n = all.loadNext())
      for (let k = 0; k < n; k++) values[all.docs[k]] = all.impacts[k] || 1;
    if (kept.size >= DENSE_KEPT) kept.delete(kept.keys().next().value!);
  }
  // the most recently used last
  kept.set(c.info, values);
  return new Dense(values, c.df);
}

// ———————————————————————————— queries ————————————————————————————

export interface EngineQuery {
  /** Words that must all be in a document; they are scored. `a|b` is either word (synonyms). */
  terms: string[];
  /** Words a document need not have; each it has adds to its score as a word of `terms` would. */
  optional?: string[];
  /** Words none of which may be in a document. */
  excluded: string[];
  /** Filter tokens that must all be on a document (e.g. its site). */
  filters: string[];
  /** Groups of filter tokens: a document needs at least one of each group (e.g. a column or its sub-columns). */
  anyOf: string[][];
  /** Exact keys (document number, 索引号): a document with one matches even without the words, and ranks first. */
  exact: string[];
  /** Phrases (folded as `sketchOf` takes them) a word match may hold: documents whose sketch rules one out are left
   * out. A sketch can let through a document without the phrase, so the caller confirms what it shows. */
  phrases?: string[];
  /** Inclusive range of days since 1970-01-01. */
  dayFrom?: number;
  dayTo?: number;
  sort: 'relevance' | 'date';
  offset: number;
  limit: number;
  /** Today as days since 1970-01-01: when given, recent documents rank slightly higher. */
  today?: number;
}

export interface EngineHit {
  key: string;
  score: number;
  day: number;
  /** Matched through a document or index number. */
  exact: boolean;
}

export interface EngineResult {
  total: number;
  hits: EngineHit[];
}

/** A bounded min-heap of hits by rank, to keep the best `size`. */
class TopK {
  readonly items: { rank: number; tie: number; seg: Segment; local: number; score: number; exact: boolean }[] = [];
  constructor(readonly size: number) {}
  private less(a: number, b: number) {
    const x = this.items[a];
    const y = this.items[b];
    return x.rank < y.rank || (x.rank === y.rank && x.tie < y.tie);
  }
  private swap(a: number, b: number) {
    const t = this.items[a];
    this.items[a] = this.items[b];
    this.items[b] = t;
  }
  /** Whether a hit with this rank would enter now. */
  wants(rank: number, tie: number) {
    if (this.size === 0) return false;
    if (this.items.length < this.size) return true;
    const min = this.items[0];
    return rank > min.rank || (rank === min.rank && tie > min.tie);
  }
  push(item: TopK['items'][number]) {
    if (this.size === 0 || !this.wants(item.rank, item.tie)) return;
    if (this.items.length < this.size) {
      this.items.push(item);
      for (let i = this.items.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!this.less(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    this.items[0] = item;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  sorted() {
    return [...this.items].sort((a, b) => b.rank - a.rank || b.tie - a.tie);
  }
}

/** The most a brand-new document gains over an old one; it halves over three years. */
const RECENCY = 0.25;
const recency = (today: number | undefined, day: number) =>
  today === undefined ? 0 : RECENCY / (1 + Math.max(0, today - day) / 1095);

/** Inverse document frequency (BM25's, never negative). */
export const idf = (docs: number, df: number) => Math.log(1 + (docs - df + 0.5) / (df + 0.5));

/** Per segment, each document's static score (validity prior and recency) on one day, computed once that day. */
const statics = new WeakMap<Segment, { today: number | undefined; values: Float32Array }>();
function staticScores(seg: Segment, today: number | undefined): Float32Array {
  const known = statics.get(seg);
  if (known && known.today === today) return known.values;
  const values = new Float32Array(seg.size);
  for (let d = 0; d < seg.size; d++) values[d] = seg.prior[d] + recency(today, seg.day[d]);
  statics.set(seg, { today, values });
  return values;
}

function searchSegment(
  seg: Segment,
  q: EngineQuery,
  weights: Map<string, number>,
  hashes: number[],
  top: TopK,
): number {
  const cursor = (token: string): Cursor | null => {
    if (token.includes('|')) {
      const parts = token
        .split('|')
        .map(cursor)
        .filter((c) => c !== null);
      return parts.length ? new Union(parts) : null;
    }
    const info = seg.terms.get(token);
    return info ? new Postings(seg, info) : null;
  };
  const cursors = (tokens: string[]) => tokens.map(cursor);
  const byDate = q.sort === 'date';
  const from = q.dayFrom ?? -Infinity;
  const to = q.dayTo ?? Infinity;
  const days = seg.day;
  const deleted = seg.deleted;
  const anyDeleted = seg.liveCount < seg.size;
  const statik = staticScores(seg, q.today);

  /** Checks everything but the words, with cursors that only move forward (documents come in order). */
  const checker = () => {
    const found = cursors(q.filters.map(filterToken));
    const groups = q.anyOf.map((g) => cursors(g.map(filterToken)).filter((c) => c !== null));
    const excluded = cursors(q.excluded).filter((c) => c !== null);
    const possible = !found.includes(null) && groups.every((g) => g.length > 0);
    // a filter every document of the segment carries (the site, on a single-site installation) checks nothing
    const filters = found.filter((c): c is Cursor => c !== null && c.df < seg.size);
    return {
      possible,
      filters,
      /** Whether the groups and exclusions allow the document (the filters are checked by the caller). */
      rest: groups.length > 0 || excluded.length > 0,
      ok(d: number, withFilters = true) {
        if (anyDeleted && deleted[d]) return false;
        const day = days[d];
        if (day < from || day > to) return false;
        if (withFilters) for (const c of filters) if (c.next(d) !== d) return false;
        for (const g of groups) {
          let any = false;
          for (const c of g) if (c.next(d) === d) any = true;
          if (!any) return false;
        }
        for (const c of excluded) if (c.next(d) === d) return false;
        return true;
      },
    };
  };

  let total = 0;
  const record = (d: number, score: number, exact: boolean) => {
    total++;
    const rank = byDate ? days[d] : score;
    const tie = byDate ? score : days[d];
    if (top.wants(rank, tie)) top.push({ rank, tie, seg, local: d, score, exact });
  };

  // documents with an exact number match, first
  const exactDocs = new Set<number>();
  if (q.exact.length) {
    const check = checker();
    if (check.possible) {
      const found: number[] = [];
      for (const c of cursors(q.exact.map(exactToken))) {
        if (!c) continue;
        for (let d = c.next(0); d !== END; d = c.next(d + 1)) found.push(d);
      }
      for (const d of [...new Set(found)].sort((a, b) => a - b))
        if (check.ok(d)) {
          exactDocs.add(d);
          record(d, EXACT_BONUS + statik[d], true);
        }
    }
  }

  const check = checker();
  if (!check.possible) return total;
  const words = cursors(q.terms);
  if (words.includes(null)) return total;
  // a phrase can only be where the sketch has all its runs of characters: those documents are one more list
  const phrased = hashes.length ? [new Listed(seg.sketches.matches(hashes))] : [];
  // drive the intersection from the rarest list (with no words, from the rarest filter); the others are checked
  // document by document, dense ones as bytes
  const all = [...(words as Cursor[]), ...check.filters, ...phrased];
  const lead = all.length ? all.reduce((a, b) => (b.df < a.df ? b : a)) : null;
  const dense = new Map(all.filter((c) => c !== lead).map((c) => [c, densify(seg, c)]));
  const others = [...dense.values()];
  const scored = (words as Cursor[]).map((c) => dense.get(c) ?? c);
  const checkRest = check.rest || from !== -Infinity || to !== Infinity;
  const weightOf = q.terms.map((t) => (weights.get(t) ?? 0) / 255);
  const optional = (q.optional ?? []).flatMap((t) => {
    const c = cursor(t);
    return c ? [{ c, weight: (weights.get(t) ?? 0) / 255 }] : [];
  });
  /** Scores and records a document that has every word and filter, if the rest allows it. */
  const consider = (d: number) => {
    if (anyDeleted && deleted[d]) return;
    if (checkRest && !check.ok(d, false)) return;
    if (exactDocs.size && exactDocs.has(d)) return;
    let score = statik[d];
    for (let i = 0; i < scored.length; i++) score += weightOf[i] * scored[i].impact;
    for (const o of optional) if (o.c.next(d) === d) score += o.weight * o.c.impact;
    record(d, score, false);
  };

  if (!lead) {
    for (let d = 0; d < seg.size; d++) consider(d);
    return total;
  }
  if (!others.length && lead instanceof Postings) {
    // one list: block by block, without a cursor step per document
    for (let n = lead.loadNext(); n > 0; n = lead.loadNext()) {
      const docs = lead.docs;
      for (let k = 0; k < n; k++) {
        lead.impact = lead.impacts[k];
        consider(docs[k]);
      }
    }
    return total;
  }
  let d = lead.next(0);
  while (d !== END) {
    let next = d;
    for (const c of others) {
      const x = c.next(d);
      if (x > d) {
        next = x;
        break;
      }
    }
    if (next !== d) {
      d = lead.next(next);
      continue;
    }
    consider(d);
    d = lead.next(d + 1);
  }
  return total;
}

// ———————————————————————————— the index ————————————————————————————

const MANIFEST = 'manifest.json';
/** The version of the files (4: sliced sketches of runs of two to four characters); another version is rebuilt. */
const FORMAT = 4;

/** Fresh documents wait in a small live segment; past this many they become a segment of their own. */
const LIVE_LIMIT = 2000;
/** Segments of a size tier merged together, and the most segments kept whatever their sizes. */
const MERGE_FACTOR = 6;
const MAX_SEGMENTS = 40;

export class SearchEngine {
  segments: Segment[] = [];
  private readonly where = new Map<string, { seg: Segment; local: number }>();
  /** The file each saved segment is in. */
  private readonly files = new WeakMap<Segment, string>();
  private readonly pending = new Map<string, IndexDoc>();
  private live: Segment | null = null;
  /** Set when the segments changed since the last save (a new index has never been saved). */
  dirty = true;
  /** Merges segments elsewhere (on the builder's thread); without it, merges run on this thread. */
  merger: ((segs: Segment[]) => Promise<Segment>) | null = null;
  private merging: Promise<void> | null = null;

  get size() {
    return this.segments.reduce((n, s) => n + s.liveCount, 0) + this.pending.size;
  }

  has(key: string) {
    return this.pending.has(key) || this.where.has(key);
  }

  private forget(key: string) {
    this.pending.delete(key);
    const at = this.where.get(key);
    if (at) {
      at.seg.delete(at.local);
      this.where.delete(key);
      this.dirty = true;
    }
  }

  /** Adds or replaces a document; it is searchable at once. */
  upsert(doc: IndexDoc) {
    this.forget(doc.key);
    this.pending.set(doc.key, doc);
    this.live = null;
    if (this.pending.size >= LIVE_LIMIT) this.flush();
  }

  /** Removes a document; it is gone from results at once. */
  remove(key: string) {
    const hadPending = this.pending.has(key);
    this.forget(key);
    if (hadPending) this.live = null;
  }

  /** Adds many documents as one new segment (bulk loading, rebuilding). */
  addBatch(docs: IndexDoc[]) {
    const unique = [...new Map(docs.map((d) => [d.key, d])).values()];
    if (unique.length) this.addSegment(Segment.build(unique));
  }

  /** Adds a segment built elsewhere (another thread); its documents replace their older copies. */
  addSegment(seg: Segment) {
    for (const key of seg.keys) this.forget(key);
    if (this.live) this.live = null;
    this.adopt(seg);
  }

  private adopt(seg: Segment) {
    seg.keys.forEach((key, local) => {
      if (!seg.deleted[local]) this.where.set(key, { seg, local });
    });
    this.segments.push(seg);
    this.dirty = true;
    this.mergeTiers();
  }

  /**
   * Keeps the number of segments logarithmic: segments of about the same size (within a factor of four)
   * are merged once there are MERGE_FACTOR of them, so each document is rewritten only a few times.
   */
  private mergeTiers() {
    // one merge at a time: the tiers are looked at again when it is done
    while (!this.merging) {
      const tiers = new Map<number, Segment[]>();
      for (const seg of this.segments) {
        const tier = Math.floor(Math.log(Math.max(1, seg.liveCount)) / Math.log(4));
        tiers.set(tier, [...(tiers.get(tier) ?? []), seg]);
      }
      const full = [...tiers.values()].find((t) => t.length >= MERGE_FACTOR);
      if (!full && this.segments.length <= MAX_SEGMENTS) return;
      const chosen = full ?? [...this.segments].sort((a, b) => a.liveCount - b.liveCount).slice(0, MERGE_FACTOR);
      if (!this.merger) {
        this.merge(chosen, mergeSegments(chosen));
        continue;
      }
      // merged on the other thread (which falls back to this one); searches use the segments as they are meanwhile.
      // A merge that fails leaves them as they are, to be tried again when the next segment comes.
      this.merging = this.merger(chosen).then(
        (merged) => {
          this.merging = null;
          this.merge(chosen, merged);
          this.mergeTiers();
        },
        (e) => {
          this.merging = null;
          console.error('search: merging segments failed; they are kept as they are:', e);
        },
      );
    }
  }

  /** Resolves when no merge is under way. */
  async merged(): Promise<void> {
    while (this.merging) await this.merging;
  }

  /** Turns the live documents into a segment. */
  flush() {
    if (!this.pending.size) return;
    const docs = [...this.pending.values()];
    this.pending.clear();
    this.live = null;
    this.adopt(Segment.build(docs));
  }

  /** Merges the `count` smallest segments into one, leaving deleted documents out. */
  mergeSmallest(count: number) {
    const chosen = [...this.segments].sort((a, b) => a.liveCount - b.liveCount).slice(0, Math.max(2, count));
    this.merge(chosen, mergeSegments(chosen));
  }

  /**
   * Puts a merged segment in the place of those it was made from. A document deleted or replaced since the merge
   * began (it is no longer where the index last put it) is deleted in the merged segment too.
   */
  private merge(chosen: Segment[], merged: Segment) {
    // the index was cleared, or the segments merged otherwise, in the meantime
    if (!chosen.every((s) => this.segments.includes(s))) return;
    this.segments = this.segments.filter((s) => !chosen.includes(s));
    this.segments.push(merged);
    merged.keys.forEach((key, local) => {
      const at = this.where.get(key);
      if (at && chosen.includes(at.seg)) this.where.set(key, { seg: merged, local });
      else merged.delete(local);
    });
    this.dirty = true;
  }

  private liveSegment(): Segment | null {
    if (!this.pending.size) return null;
    this.live ??= Segment.build([...this.pending.values()]);
    return this.live;
  }

  search(q: EngineQuery): EngineResult {
    const segs = [...this.segments];
    const live = this.liveSegment();
    if (live) segs.push(live);
    // document frequencies over every segment, for the words' weights
    const docs = Math.max(
      1,
      segs.reduce((n, s) => n + s.liveCount, 0),
    );
    const weights = new Map<string, number>();
    for (const t of [...q.terms, ...(q.optional ?? [])]) {
      const df = segs.reduce((n, s) => n + t.split('|').reduce((m, part) => m + (s.terms.get(part)?.df ?? 0), 0), 0);
      weights.set(t, idf(docs, Math.min(docs, df)));
    }
    const top = new TopK(Math.max(0, q.offset + q.limit));
    let total = 0;
    const hashes = phraseHashes(q.phrases ?? []);
    for (const s of segs) total += searchSegment(s, q, weights, hashes, top);
    const hits = top
      .sorted()
      .slice(q.offset, q.offset + q.limit)
      .map((h) => ({ key: h.seg.keys[h.local], score: h.score, day: h.seg.day[h.local], exact: h.exact }));
    return { total, hits };
  }

  /** How many live documents carry a filter token (e.g. a site's), and a word's document frequency. */
  count(filter: string): number {
    const token = filterToken(filter);
    let n = 0;
    for (const s of [...this.segments, this.liveSegment()]) {
      const info = s?.terms.get(token);
      if (!s || !info) continue;
      const c = new Postings(s, info);
      for (let d = c.next(0); d !== END; d = c.next(d + 1)) if (!s.deleted[d]) n++;
    }
    return n;
  }

  /**
   * Writes the index to a folder: new segments once, every segment's deletions, then the manifest (atomically,
   * by renaming), so a crash leaves the previous state readable. `seq` is the last change included.
   */
  async save(dir: string, seq: number, meta: Record<string, unknown> = {}): Promise<void> {
    this.flush();
    await mkdir(dir, { recursive: true });
    const atomic = async (name: string, data: Uint8Array | string) => {
      const tmp = path.join(dir, `${name}.tmp`);
      await writeFile(tmp, data, { flush: true });
      await rename(tmp, path.join(dir, name));
    };
    const entries: { file: string; docs: number }[] = [];
    for (const seg of this.segments) {
      let file = this.files.get(seg);
      if (!file) {
        file = `seg-${randomUUID()}.gks`;
        await atomic(file, segmentBytes(seg));
        this.files.set(seg, file);
      }
      await atomic(`${file}.del`, seg.deleted);
      entries.push({ file, docs: seg.size });
    }
    await atomic(MANIFEST, JSON.stringify({ version: FORMAT, seq, meta, segments: entries }));
    this.dirty = false;
    const keep = new Set([MANIFEST, ...entries.flatMap((e) => [e.file, `${e.file}.del`])]);
    for (const name of await readdir(dir)) if (!keep.has(name)) await unlink(path.join(dir, name)).catch(() => {});
  }

  /** Reads an index written by `save`; null when the folder has none (or an unreadable one). */
  static async load(dir: string): Promise<{ engine: SearchEngine; seq: number; meta: Record<string, unknown> } | null> {
    let manifest: { version: number; seq: number; meta: Record<string, unknown>; segments: { file: string }[] };
    try {
      manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8'));
    } catch {
      return null;
    }
    // an index of an older format is rebuilt from the database
    if (manifest.version !== FORMAT) return null;
    const engine = new SearchEngine();
    for (const { file } of manifest.segments) {
      const [bytes, deleted] = await Promise.all([
        readFile(path.join(dir, file)),
        readFile(path.join(dir, `${file}.del`)),
      ]);
      const seg = segmentFromBytes(
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        new Uint8Array(deleted),
      );
      engine.files.set(seg, file);
      engine.segments.push(seg);
      seg.keys.forEach((key, local) => {
        if (!seg.deleted[local]) engine.where.set(key, { seg, local });
      });
    }
    return { engine, seq: manifest.seq, meta: manifest.meta };
  }

  clear() {
    this.segments = [];
    this.where.clear();
    this.pending.clear();
    this.live = null;
    this.dirty = true;
  }
}

/**
 * One segment from several, without their deleted documents: documents keep their order (segment by segment), and
 * each term's postings are decoded and written again in one pass, renumbered.
 */
export function mergeSegments(segs: Segment[]): Segment {
  const keys: string[] = [];
  const day: number[] = [];
  const prior: number[] = [];
  const remap = segs.map((s) => {
    const map = new Int32Array(s.size).fill(-1);
    for (let d = 0; d < s.size; d++) {
      if (s.deleted[d]) continue;
      map[d] = keys.length;
      keys.push(s.keys[d]);
      day.push(s.day[d]);
      prior.push(s.prior[d]);
    }
    return map;
  });
  // each term once, with where it is in each segment (segments without it have no entry)
  const lists = new Map<string, (TermInfo | undefined)[]>();
  segs.forEach((s, i) => {
    for (const [term, info] of s.terms) getOrAdd(lists, term, () => new Array(segs.length))[i] = info;
  });
  const w = new PostingsWriter();
  const docs = new Int32Array(BLOCK);
  const impacts = new Uint8Array(BLOCK);
  for (const [term, infos] of lists) {
    for (let i = 0; i < segs.length; i++) {
      const info = infos[i];
      if (!info) continue;
      const map = remap[i];
      for (let b = info.firstBlock, prev = -1; b < info.firstBlock + info.blocks; b++) {
        const n = decodeBlock(segs[i], b, prev, docs, impacts);
        for (let k = 0; k < n; k++) {
          const to = map[docs[k]];
          if (to >= 0) w.add(to, impacts[k]);
        }
        prev = docs[n - 1];
      }
    }
    w.endTerm(term);
  }
  return w.segment(
    keys,
    Int32Array.from(day),
    Float32Array.from(prior),
    SketchTable.concat(
      segs.map((s) => s.sketches),
      remap,
    ),
  );
}

// ———————————————————————————— files ————————————————————————————

const MAGIC = 0x32534b47; // 'GKS2'
const enc = new TextEncoder();
const dec = new TextDecoder();

const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A segment as bytes: a JSON header with the section lengths, then the sections, each 8-byte aligned. */
export function segmentBytes(seg: Segment): Uint8Array {
  const terms = [...seg.terms.keys()];
  const infos = [...seg.terms.values()];
  const sections: Uint8Array[] = [
    enc.encode(seg.keys.join('\n')),
    enc.encode(terms.join('\n')),
    new Uint8Array(Uint32Array.from(infos, (i) => i.df).buffer),
    new Uint8Array(Uint32Array.from(infos, (i) => i.firstBlock).buffer),
    new Uint8Array(Uint32Array.from(infos, (i) => i.blocks).buffer),
    asBytes(seg.day),
    asBytes(seg.prior),
    asBytes(seg.blockLast),
    asBytes(seg.blockOffset),
    seg.blockCount,
    seg.postings,
    ...seg.sketches.classes.flatMap((c) => [asBytes(c.members), asBytes(c.rows)]),
  ];
  const header = enc.encode(
    JSON.stringify({
      docs: seg.size,
      terms: terms.length,
      classes: seg.sketches.classes.map((c) => c.steps),
      lengths: sections.map((s) => s.length),
    }),
  );
  const pad = (n: number) => (n + 7) & ~7;
  const total = 8 + pad(header.length) + sections.reduce((n, s) => n + pad(s.length), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  let at = 8 + pad(header.length);
  for (const s of sections) {
    out.set(s, at);
    at += pad(s.length);
  }
  return out;
}

/** Reads a segment written by `segmentBytes`; its typed arrays view the given bytes without copying. */
export function segmentFromBytes(bytes: Uint8Array, deleted?: Uint8Array): Segment {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a search segment');
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(dec.decode(bytes.subarray(8, 8 + headerLength))) as {
    docs: number;
    terms: number;
    classes: number[];
    lengths: number[];
  };
  const pad = (n: number) => (n + 7) & ~7;
  // typed arrays need aligned offsets: copy the bytes into an aligned buffer when the caller's are not
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  let at = base.byteOffset + 8 + pad(headerLength);
  const parts = header.lengths.map((len) => {
    const part = { offset: at, length: len };
    at += pad(len);
    return part;
  });
  const raw = (i: number) => new Uint8Array(base.buffer, parts[i].offset, parts[i].length);
  const u32 = (i: number) => new Uint32Array(base.buffer, parts[i].offset, parts[i].length / 4);
  const split = (i: number, n: number) => (n === 0 ? [] : dec.decode(raw(i)).split('\n'));
  const keys = split(0, header.docs);
  const termNames = split(1, header.terms);
  const df = u32(2);
  const first = u32(3);
  const blocks = u32(4);
  const terms = new Map<string, TermInfo>();
  termNames.forEach((t, i) => {
    terms.set(t, { df: df[i], firstBlock: first[i], blocks: blocks[i] });
  });
  return new Segment(
    keys,
    new Int32Array(base.buffer, parts[5].offset, parts[5].length / 4),
    new Float32Array(base.buffer, parts[6].offset, parts[6].length / 4),
    terms,
    u32(7),
    u32(8),
    raw(9),
    raw(10),
    new SketchTable(
      header.classes.map((steps, c) => ({ steps, members: u32(11 + 2 * c), rows: u32(12 + 2 * c) })),
      keys.length,
    ),
    deleted && deleted.length === keys.length ? deleted : undefined,
  );
}
