import {
  BLOCK,
  decodeBlock,
  getOrAdd,
  grow,
  PostingsWriter,
  type TermInfo,
  type WrittenPostings,
} from './search.postings.ts';
import { SketchTable } from './search.sketch.ts';
/** Weights of the fields and BM25 parameters. Lengths are normalised against fixed typical lengths so that
 * impacts computed in different segments compare, and survive merges unchanged. */
export const FIELDS = {
  title: { weight: 4, avgLength: 14 },
  meta: { weight: 2, avgLength: 40 },
  body: { weight: 1, avgLength: 600 },
} as const;
const K1 = 1.2;
const B = 0.6;

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
export const filterToken = (t: string) => `\u0001${t}`;

export const exactToken = (t: string) => `\u0002${t}`;

const quantise = (impact: number) => Math.max(1, Math.min(255, Math.round(impact * 255)));

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
    return segmentOf(
      w.finish(),
      docs.map((d) => d.key),
      Int32Array.from(docs, (d) => d.day),
      Float32Array.from(docs, (d) => d.prior),
      SketchTable.build(docs.length, (i) => docs[i].sketch),
    );
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
  return segmentOf(
    w.finish(),
    keys,
    Int32Array.from(day),
    Float32Array.from(prior),
    SketchTable.concat(
      segs.map((s) => s.sketches),
      remap,
    ),
  );
}

/** 'GKS2', little-endian: the first four bytes of a segment file. */
const MAGIC = 0x32534b47;
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

/** A segment of the documents' keys, days, priors and sketches, over the postings written for them. */
function segmentOf(
  p: WrittenPostings,
  keys: string[],
  day: Int32Array,
  prior: Float32Array,
  sketches: SketchTable,
): Segment {
  return new Segment(keys, day, prior, p.terms, p.blockLast, p.blockOffset, p.blockCount, p.postings, sketches);
}
