import type { Segment } from './search.segment.ts';
export const BLOCK = 128;

export function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** A copy of a typed array at least `min` long (doubling), with its values. */
export function grow<T extends Int32Array | Uint8Array>(a: T, min: number): T {
  let size = a.length * 2;
  while (size < min) size *= 2;
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

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

/** One term's postings in a segment: where its blocks are. */
export interface TermInfo {
  df: number;
  /** Index of its first block in the segment's block tables. */
  firstBlock: number;
  blocks: number;
}

/**
 * Writes a segment's postings term by term, in document order within a term: blocks of BLOCK postings, each
 * posting a document gap (variable bytes) and an impact byte. Building and merging write through it.
 */
export class PostingsWriter {
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

  /** The postings written: each term's place, the blocks and their bytes (a segment is made of them). */
  finish(): WrittenPostings {
    return {
      terms: this.terms,
      blockLast: Uint32Array.from(this.blockLast),
      blockOffset: Uint32Array.from(this.blockOffset),
      blockCount: Uint8Array.from(this.blockCount),
      postings: this.out.result(),
    };
  }
}

export interface WrittenPostings {
  terms: Map<string, TermInfo>;
  blockLast: Uint32Array;
  blockOffset: Uint32Array;
  blockCount: Uint8Array;
  postings: Uint8Array;
}

/**
 * Decodes block `b` of a segment into `docs` and `impacts`; `prev` is the document before the block (the previous
 * block's last, or -1 for a term's first block). Returns the block's length.
 */
export function decodeBlock(seg: Segment, b: number, prev: number, docs: Int32Array, impacts: Uint8Array): number {
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
export class Union implements Cursor {
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
export class Listed implements Cursor {
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
export function densify(seg: Segment, c: Cursor): Cursor {
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
