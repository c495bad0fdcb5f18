import type { BackendHit, BackendQuery, BackendResult } from '../../core/search.ts';
import { type Cursor, densify, END, Listed, Postings, Union } from './search.postings.ts';
import { exactToken, filterToken, type Segment } from './search.segment.ts';

/** A document- or index-number match outranks any word match. */
const EXACT_BONUS = 1000;

/** The engine answers the backend's query (core/search.ts): the same words, filters, exact keys and phrases. */
export type EngineQuery = BackendQuery;
export type EngineHit = BackendHit;
export type EngineResult = BackendResult;

/** A bounded min-heap of hits by rank, to keep the best `size`. */
export class TopK {
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

export function searchSegment(
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
