import type { BackendQuery, BackendResult, KindDoc, SearchBackend } from '../../core/search.ts';
import { SegmentBuilder } from './search.builder.ts';
import { toIndexDoc } from './search.document.ts';
import { SearchEngine } from './search.engine.ts';
import { setExtraTerms } from './search.text.ts';

/** This many changed documents at once are built into a segment on the worker thread. */
const BULK = 200;

/**
 * The local backend: the in-process engine (segments of postings and phrase sketches, search.engine.ts), segments
 * built and merged on a worker thread, saved under DATA_DIR/search. Each instance has its own and follows the
 * change outbox itself.
 */
export class LocalBackend implements SearchBackend {
  readonly shared: boolean = false;
  engine: SearchEngine;
  private readonly builder = new SegmentBuilder();
  /** How many extra words the index was cut with: an index cut with others is rebuilt. */
  private dictionary = 0;

  constructor(readonly dir: string | null) {
    this.engine = this.withMerger(new SearchEngine());
  }

  get size() {
    return this.engine.size;
  }

  /** An engine whose merges run on the builder's thread. */
  private withMerger(engine: SearchEngine): SearchEngine {
    engine.merger = (segs) => this.builder.merge(segs);
    return engine;
  }

  /** Both threads cut text with the office's words. */
  private useWords(dictionary: string[]) {
    setExtraTerms(dictionary);
    this.builder.setTerms(dictionary);
    this.dictionary = dictionary.length;
  }

  async open(dictionary: string[]): Promise<number | null> {
    this.useWords(dictionary);
    const saved = this.dir ? await SearchEngine.load(this.dir) : null;
    if (!saved || saved.meta.dictionary !== this.dictionary) return null;
    this.engine = this.withMerger(saved.engine);
    return saved.seq;
  }

  async apply(upsert: KindDoc[], remove: string[]): Promise<void> {
    for (const key of remove) this.engine.remove(key);
    if (upsert.length >= BULK) this.engine.addSegment(await this.builder.build(upsert));
    else for (const { kind, doc } of upsert) this.engine.upsert(toIndexDoc(kind, doc));
  }

  async rebuild(pages: AsyncIterable<KindDoc[]>, dictionary: string[]): Promise<void> {
    this.useWords(dictionary);
    const engine = this.withMerger(new SearchEngine());
    // the next page is read from the database while the worker builds the last one
    let building: Promise<void> = Promise.resolve();
    for await (const page of pages) {
      await building;
      building = this.builder.build(page).then((seg) => engine.addSegment(seg));
    }
    await building;
    this.engine = engine;
  }

  async search(q: BackendQuery): Promise<BackendResult> {
    return this.engine.search(q);
  }

  async count(q: BackendQuery): Promise<number> {
    return this.engine.search({ ...q, offset: 0, limit: 0 }).total;
  }

  /** The save under way: saves run one after another (two at once would delete each other's new files). */
  private saving: Promise<void> = Promise.resolve();
  /** The change number the saved index is complete up to. */
  private savedSeq = -1;

  checkpoint(seq: number): Promise<void> {
    const dir = this.dir;
    const save = this.saving.then(async () => {
      if (!dir || (!this.engine.dirty && seq === this.savedSeq)) return;
      await this.engine.save(dir, seq, { dictionary: this.dictionary });
      this.savedSeq = seq;
    });
    this.saving = save.catch(() => {});
    return save;
  }

  /** Resolves when the segments are merged as far as they are due (merging goes on in the background). */
  merged(): Promise<void> {
    return this.engine.merged();
  }

  close(): Promise<void> {
    return this.builder.close();
  }
}
