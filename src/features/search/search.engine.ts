import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { END, Postings } from './search.postings.ts';
import { type EngineQuery, type EngineResult, idf, searchSegment, TopK } from './search.query.ts';
import {
  filterToken,
  type IndexDoc,
  mergeSegments,
  Segment,
  segmentBytes,
  segmentFromBytes,
} from './search.segment.ts';
import { phraseHashes } from './search.sketch.ts';

/**
 * An in-process inverted index with BM25F ranking, built for Chinese government text at city scale. This module
 * keeps the segments of one index (adding, replacing, merging, saving, loading, searching them); the parts are in
 * search.segment (fields, impacts, a segment and its file), search.postings (posting lists and their cursors),
 * search.sketch (the phrase sketches) and search.query (scoring one segment). docs/search-engine.md explains them.
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
