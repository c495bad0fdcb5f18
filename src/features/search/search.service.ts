import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db.ts';
import type { DB, Site } from '../../core/db.types.ts';
import { parseInput } from '../../core/validate.ts';
import { columnScope } from '../catalog/catalog.portal.service.ts';
import { SegmentBuilder } from './search.builder.ts';
import { type SourceDoc, toDay, toIndexDoc } from './search.document.ts';
import { type EngineQuery, SearchEngine } from './search.engine.ts';
import { requireSearchManager } from './search.policy.ts';
import { SEARCH_PAGE_SIZE, type SearchQuery } from './search.schema.ts';
import {
  analyzeChanges,
  changeBound,
  changesSince,
  dictionary,
  insertChanges,
  insertTerms,
  latestTerms,
  pruneChanges,
} from './search.store.ts';
import {
  alternatives,
  foldPhrase,
  normalize,
  type ParsedQuery,
  parseQuery,
  partsOf,
  setExtraTerms,
} from './search.text.ts';

/** How a result is shown. */
export interface ShownItem {
  id: number;
  title: string;
  /** Path under the site, e.g. `/p/12`. */
  path: string;
  date: string;
  /** Short facts under the title: agency, document number, genre. */
  facts: string[];
  /** A mark such as 已废止 for documents no longer in force. */
  badge?: string;
  /** The text a snippet is taken from (and phrases are checked against). */
  text: string;
}

/**
 * A kind of public document that search covers. Publications (with interpretations) and gazette issues are
 * the first; the FAQ, public letters, service guides and power items register the same way.
 */
export type { SourceDoc };

export interface SearchSource {
  /** One or two letters that prefix the document's key, e.g. `p` in `p:12`. */
  kind: string;
  /** What the kind is called in results, e.g. 政府信息. */
  label: string;
  /** The public state of these documents (those not public are left out), or a page of all of them by id. */
  load(db: Db, which: { ids: number[] } | { after: number; limit: number }): Promise<SourceDoc[]>;
  /** How these documents are shown, if they are still public on the site. */
  show(db: Db, siteId: number, ids: number[]): Promise<ShownItem[]>;
  /** The title and text of these documents, as written, where they are public (for checking phrases). */
  texts(db: Db, ids: number[]): Promise<{ id: number; text: string }[]>;
}

/**
 * After a change is committed: this instance's index takes it at once (others within their next sync).
 * A failure here never undoes the change; the next sync picks it up.
 */
export async function refreshSearch(ctx: Ctx): Promise<void> {
  await ctx.search.sync(ctx.db).catch((e) => console.error('search sync failed:', e));
}

/** Whether the text has every phrase (folded by `foldPhrase`): checked here, not in SQL, folded as the index folds. */
function hasAll(phrases: string[], text: string): boolean {
  const folded = foldPhrase(text);
  return phrases.every((p) => folded.includes(p));
}

/** A recorded change: its number and the document's key. */
export interface Change {
  seq: number;
  key: string;
}

/** A document as the transaction that recorded its change wrote it (see `SearchIndex.offer`). */
export type Offered = Change & { doc: SourceDoc };

/** Records, inside the caller's transaction, that a document's public state may have changed. */
export async function noteChange(trx: Kysely<DB>, siteId: number | null, keys: string | string[]): Promise<Change[]> {
  const list = Array.isArray(keys) ? keys : [keys];
  if (!list.length) return [];
  const rows = await insertChanges(trx, siteId, list);
  return rows.map((r) => ({ seq: Number(r.seq), key: r.key }));
}

const BATCH = 2000;
/** A skipped change number is watched this long: a transaction may commit after one with a later number. */
const GAP_MS = 120_000;
const MAX_GAPS = 10_000;
const SYNC_BATCH = 5000;
/** Documents handed over by their writers (`offer`) and kept until a sync takes them. */
const MAX_OFFERED = 10_000;
/** This many changed documents at once are built into a segment on the worker thread. */
const BULK = 200;

export interface Part {
  text: string;
  mark: boolean;
}

export interface SearchRequest {
  siteId: number;
  q: string;
  agencyId?: number;
  /** A column and the columns below it. */
  columnIds?: number[];
  theme?: string;
  genre?: string;
  validity?: string;
  kind?: string;
  yearFrom?: number;
  yearTo?: number;
  sort: 'relevance' | 'date';
  page: number;
  pageSize: number;
}

export interface SearchHit {
  kind: string;
  label: string;
  id: number;
  path: string;
  title: Part[];
  date: string;
  facts: string[];
  badge?: string;
  snippet: Part[];
  /** Found by its document number or 索引号. */
  exact: boolean;
}

export interface Suggestion {
  label: string;
  /** The broader query, and whether the filters are dropped with it. */
  q: string;
  dropFilters: boolean;
  count: number;
}

export interface SearchPage {
  total: number;
  /** False when phrases were confirmed on the best candidates only, so the total is an estimate from them. */
  totalExact: boolean;
  page: number;
  pageSize: number;
  hits: SearchHit[];
  parsed: ParsedQuery;
  suggestions: Suggestion[];
  /** The index is still being built (after an upgrade or a rebuild); results may be incomplete. */
  building: boolean;
  /** Nothing had the whole words: these results have their parts (the words used, as a query). */
  relaxed?: string;
}

/** How many of the best candidates for quoted phrases can be confirmed (the pages they fill can be reached). */
const PHRASE_WINDOW = 1000;

/** Engine keys (`kind:id`) grouped by kind, in their order. */
function idsByKind(hits: { key: string }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const h of hits) {
    const [kind, id] = h.key.split(':');
    const ids = out.get(kind);
    if (ids) ids.push(Number(id));
    else out.set(kind, [Number(id)]);
  }
  return out;
}

/** Query words as the reader typed them (without the synonyms the query added). */
const typed = (terms: string[]) => terms.map((t) => alternatives(t)[0]).join(' ');

/**
 * This instance's search index: an in-process engine kept in step with the database through the change
 * outbox, saved under DATA_DIR/search, rebuilt from the database when missing or asked to.
 */
export class SearchIndex {
  engine: SearchEngine;
  private seq = 0;
  /** Change numbers skipped so far, and since when (ms): they may still commit. */
  private readonly gaps = new Map<number, number>();
  private readonly sources = new Map<string, SearchSource>();
  private syncing: Promise<void> | null = null;
  private rebuilding: Promise<void> | null = null;
  private dictionary = 0;
  private readonly builder = new SegmentBuilder();
  /** Documents handed over with the change that recorded them, by change number (see `offer`). */
  private readonly offered = new Map<number, Offered>();

  constructor(
    readonly dir: string | null,
    sources: SearchSource[],
  ) {
    for (const s of sources) this.sources.set(s.kind, s);
    this.engine = this.withMerger(new SearchEngine());
  }

  get building() {
    return this.rebuilding !== null;
  }

  /** Resolves when no rebuild or sync is running: what was committed before is searchable. */
  async settled(): Promise<void> {
    while (this.rebuilding || this.syncing) await (this.rebuilding ?? this.syncing);
  }

  /** Resolves when the segments are merged as far as they are due (merging goes on in the background). */
  merged(): Promise<void> {
    return this.engine.merged();
  }

  /** An engine whose merges run on the builder's thread. */
  private withMerger(engine: SearchEngine): SearchEngine {
    engine.merger = (segs) => this.builder.merge(segs);
    return engine;
  }

  /** Loads the saved index and catches up with the database; rebuilds (in the background) when there is none. */
  async open(db: Db, opts: { wait?: boolean } = {}): Promise<void> {
    await this.loadDictionary(db);
    const saved = this.dir ? await SearchEngine.load(this.dir) : null;
    const oldest = await changeBound(db, 'min');
    const missed = oldest !== null && saved !== null && oldest > saved.seq + 1;
    if (saved && !missed && saved.meta.dictionary === this.dictionary) {
      this.engine = this.withMerger(saved.engine);
      this.seq = saved.seq;
      await this.sync(db);
      return;
    }
    const build = this.rebuild(db);
    if (opts.wait) await build;
  }

  private async loadDictionary(db: Db) {
    const terms = await dictionary(db);
    setExtraTerms(terms.map((t) => t.term));
    this.builder.setTerms(terms.map((t) => t.term));
    this.dictionary = terms.length;
  }

  /** Rebuilds the whole index from the database into a new engine, then swaps it in. */
  rebuild(db: Db, progress?: (done: number) => void): Promise<void> {
    this.rebuilding ??= (async () => {
      try {
        await this.loadDictionary(db);
        const start = await changeBound(db, 'max');
        const engine = this.withMerger(new SearchEngine());
        let done = 0;
        for (const source of this.sources.values()) {
          // the next page is read from the database while the worker builds the last one
          let building: Promise<void> = Promise.resolve();
          for (let after = 0; ; ) {
            const docs = await source.load(db, { after, limit: BATCH });
            await building;
            if (!docs.length) break;
            building = this.builder.build(docs.map((doc) => ({ kind: source.kind, doc }))).then((seg) => {
              engine.addSegment(seg);
              done += docs.length;
              progress?.(done);
            });
            after = docs[docs.length - 1].id;
          }
        }
        this.engine = engine;
        this.seq = start ?? 0;
        // what was applied to the old engine since the rebuild began is applied again to the new one
        this.gaps.clear();
        await this.sync(db);
        await this.save();
      } finally {
        this.rebuilding = null;
      }
    })();
    return this.rebuilding;
  }

  /**
   * Applies the changes recorded since the last sync: each changed document is read again from its source.
   * A change numbered below one already seen may commit later (transactions finish out of order), so the
   * numbers skipped are watched for a while as gaps.
   */
  sync(db: Db): Promise<void> {
    this.syncing ??= (async () => {
      try {
        for (;;) {
          const gaps = [...this.gaps.keys()];
          const changes = await changesSince(db, this.seq, gaps, SYNC_BATCH);
          const now = Date.now();
          for (const [seq, since] of this.gaps) if (now - since > GAP_MS) this.gaps.delete(seq);
          this.dropOffered();
          if (!changes.length) return;
          let top = this.seq;
          for (const c of changes) {
            const seq = Number(c.seq);
            this.gaps.delete(seq);
            if (seq > top) {
              for (let missing = top + 1; missing < seq && this.gaps.size < MAX_GAPS; missing++)
                this.gaps.set(missing, now);
              top = seq;
            }
          }
          if (changes.some((c) => c.key === '*')) {
            this.seq = top;
            void this.rebuild(db);
            return;
          }
          await this.apply(
            db,
            changes.map((c) => ({ seq: Number(c.seq), key: c.key })),
          );
          this.seq = top;
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** Changes older than this are deleted; an index that was saved before them is rebuilt on opening. */
  async prune(db: Db, keepDays = 7): Promise<void> {
    await pruneChanges(db, keepDays);
  }

  /**
   * Hands over documents as the transaction that recorded these changes committed them (a bulk import's own rows):
   * the sync that meets the change indexes the document as given instead of reading it back, unless a later change
   * to the same document is in its batch. Past MAX_OFFERED waiting, documents are read back as usual.
   */
  offer(entries: Offered[]) {
    for (const e of entries)
      if ((e.seq > this.seq || this.gaps.has(e.seq)) && this.offered.size < MAX_OFFERED) this.offered.set(e.seq, e);
  }

  /** Forgets the documents handed over for changes the sync has passed. */
  private dropOffered() {
    for (const seq of this.offered.keys()) if (seq <= this.seq && !this.gaps.has(seq)) this.offered.delete(seq);
  }

  /** Indexes these documents as they are now, removing those no longer public: as handed over, or read again. */
  async apply(db: Db, changes: Change[]): Promise<void> {
    // each document once, as its last change in the batch left it
    const last = new Map<string, number>();
    for (const c of changes) last.set(c.key, Math.max(c.seq, last.get(c.key) ?? 0));
    const byKind = new Map<string, { given: SourceDoc[]; read: number[] }>();
    for (const [key, seq] of last) {
      const [kind, id] = key.split(':');
      if (!this.sources.has(kind) || !/^\d+$/.test(id ?? '')) continue;
      const group = byKind.get(kind) ?? { given: [], read: [] };
      byKind.set(kind, group);
      const offered = this.offered.get(seq);
      if (offered?.key === key) group.given.push(offered.doc);
      else group.read.push(Number(id));
      this.offered.delete(seq);
    }
    for (const [kind, { given, read }] of byKind) {
      const loaded = read.length ? await this.sources.get(kind)!.load(db, { ids: read }) : [];
      const live = new Set(loaded.map((d) => d.id));
      for (const id of read) if (!live.has(id)) this.engine.remove(`${kind}:${id}`);
      const docs = [...given, ...loaded];
      if (docs.length >= BULK) this.engine.addSegment(await this.builder.build(docs.map((doc) => ({ kind, doc }))));
      else for (const d of docs) this.engine.upsert(toIndexDoc(kind, d));
    }
  }

  /** Stops the worker thread. */
  close(): Promise<void> {
    return this.builder.close();
  }

  /** Writes the index to disk when it changed. */
  async save(): Promise<void> {
    if (this.dir && this.engine.dirty) await this.engine.save(this.dir, this.seq, { dictionary: this.dictionary });
  }

  /** A page of results with snippets, or suggestions for a broader query when nothing is found. */
  async search(db: Db, req: SearchRequest, today: string): Promise<SearchPage> {
    const parsed = parseQuery(req.q);
    const filters = [`s:${req.siteId}`];
    if (req.agencyId) filters.push(`a:${req.agencyId}`);
    if (req.theme) filters.push(`t:${req.theme}`);
    if (req.genre) filters.push(`g:${req.genre}`);
    if (req.validity) filters.push(`v:${req.validity}`);
    if (req.kind) filters.push(`k:${req.kind}`);
    const phrases = parsed.phrases.map((p) => foldPhrase(p));
    const base: EngineQuery = {
      terms: parsed.terms,
      optional: parsed.optional,
      excluded: parsed.excluded,
      filters,
      anyOf: req.columnIds?.length ? [req.columnIds.map((c) => `c:${c}`)] : [],
      exact: [...parsed.docNos.map((k) => `n:${k}`), ...parsed.indexNos.map((k) => `i:${k}`)],
      phrases,
      dayFrom: req.yearFrom ? toDay(`${req.yearFrom}-01-01`) : undefined,
      dayTo: req.yearTo ? toDay(`${req.yearTo}-12-31`) : undefined,
      sort: req.sort,
      offset: (req.page - 1) * req.pageSize,
      limit: req.pageSize,
      today: toDay(today),
    };
    const empty = {
      total: 0,
      totalExact: true,
      page: req.page,
      pageSize: req.pageSize,
      hits: [],
      parsed,
      suggestions: [],
    };
    if (!base.terms.length && !base.exact.length && !phrases.length) return { ...empty, building: this.building };

    let total: number;
    let totalExact = true;
    let relaxed: string | undefined;
    let chosen: { key: string; exact: boolean; shown: ShownItem | null }[];
    if (phrases.length) {
      // the engine leaves out the documents whose sketch rules a phrase out; the database confirms the rest in
      // rank order, only until the page asked for is full and one more result shows there is a next page
      const window = this.engine.search({ ...base, offset: 0, limit: PHRASE_WINDOW });
      const wanted = base.offset + base.limit + 1;
      const verified: typeof window.hits = [];
      let checked = 0;
      while (checked < window.hits.length && verified.length < wanted) {
        // a little more than the page needs, then twice as many as checked so far (the phrase is rarer than hoped)
        const size = Math.max(Math.ceil((wanted - verified.length) * 1.25) + 4, checked);
        const chunk = window.hits.slice(checked, checked + size);
        checked += chunk.length;
        const ok = new Set<string>();
        for (const [kind, ids] of idsByKind(chunk)) {
          const source = this.sources.get(kind);
          if (source)
            for (const { id, text } of await source.texts(db, ids)) if (hasAll(phrases, text)) ok.add(`${kind}:${id}`);
        }
        verified.push(...chunk.filter((h) => h.exact || ok.has(h.key)));
      }
      // past what was checked, candidates hold the phrases about as often as those checked did
      totalExact = checked === window.total;
      total = totalExact
        ? verified.length
        : Math.round(verified.length + ((window.total - checked) * verified.length) / Math.max(1, checked));
      const page = verified.slice(base.offset, base.offset + base.limit);
      const shown = await this.show(db, req.siteId, page);
      chosen = page.map((h, i) => ({ key: h.key, exact: h.exact, shown: shown[i] })).filter((h) => h.shown);
    } else {
      let result = this.engine.search(base);
      if (result.total === 0 && !base.exact.length) {
        // nothing with the whole words: try their parts (安全检查 → 安全 检查), and say so
        const parts = [...new Set(base.terms.flatMap(partsOf))];
        if (parts.join(' ') !== base.terms.join(' ')) {
          const broader = this.engine.search({ ...base, terms: parts });
          if (broader.total > 0) {
            result = broader;
            relaxed = typed(parts);
          }
        }
      }
      total = result.total;
      const shown = await this.show(db, req.siteId, result.hits);
      chosen = result.hits.map((h, i) => ({ key: h.key, exact: h.exact, shown: shown[i] })).filter((h) => h.shown);
    }
    const marks = [...new Set([...parsed.terms.flatMap(alternatives), ...parsed.phrases])];
    const hits = chosen.map(({ key, exact, shown }) => {
      const kind = key.split(':')[0];
      const s = shown!;
      return {
        kind,
        label: this.sources.get(kind)?.label ?? '',
        id: s.id,
        path: s.path,
        title: highlight(s.title, marks),
        date: s.date,
        facts: s.facts,
        badge: s.badge,
        snippet: highlight(snippetOf(s.text, marks), marks),
        exact,
      };
    });
    const suggestions = total === 0 ? this.suggest(base, parsed, req) : [];
    return {
      total,
      totalExact,
      relaxed,
      page: req.page,
      pageSize: req.pageSize,
      hits,
      parsed,
      suggestions,
      building: this.building,
    };
  }

  /** Display rows for engine hits, in the same order; null where a document is no longer public. */
  private async show(db: Db, siteId: number, hits: { key: string }[]): Promise<(ShownItem | null)[]> {
    const found = new Map<string, ShownItem>();
    for (const [kind, ids] of idsByKind(hits)) {
      const source = this.sources.get(kind);
      if (!source) continue;
      for (const item of await source.show(db, siteId, ids)) found.set(`${kind}:${item.id}`, item);
    }
    return hits.map((h) => found.get(h.key) ?? null);
  }

  /** Broader queries that would find something: one word fewer, or without the filters. */
  private suggest(base: EngineQuery, parsed: ParsedQuery, req: SearchRequest): Suggestion[] {
    const count = (q: Partial<EngineQuery>) => this.engine.search({ ...base, ...q, offset: 0, limit: 0 }).total;
    const out: Suggestion[] = [];
    if (parsed.terms.length > 1) {
      // words found nowhere are dropped together; then each word in turn
      const found = parsed.terms.filter((t) => count({ terms: [t], exact: [] }) > 0);
      if (found.length && found.length < parsed.terms.length) {
        const n = count({ terms: found });
        const missing = parsed.terms.filter((t) => !found.includes(t));
        if (n > 0)
          out.push({
            label: `去掉找不到的“${typed(missing).split(' ').join('”“')}”`,
            q: typed(found),
            dropFilters: false,
            count: n,
          });
      }
      for (const word of parsed.terms) {
        const rest = parsed.terms.filter((t) => t !== word);
        const q = typed(rest);
        const n = count({ terms: rest });
        if (n > 0 && !out.some((o) => o.q === q))
          out.push({ label: `去掉“${typed([word])}”`, q, dropFilters: false, count: n });
      }
    }
    const filtered =
      req.agencyId ||
      req.columnIds?.length ||
      req.theme ||
      req.genre ||
      req.validity ||
      req.kind ||
      req.yearFrom ||
      req.yearTo;
    if (filtered) {
      const n = count({ filters: [`s:${req.siteId}`], anyOf: [], dayFrom: undefined, dayTo: undefined });
      if (n > 0) out.push({ label: '不限机构、栏目、分类和年份', q: req.q, dropFilters: true, count: n });
    }
    if (parsed.excluded.length) {
      const n = count({ excluded: [] });
      if (n > 0)
        out.push({
          label: '不排除任何词',
          q: typed(parsed.terms),
          dropFilters: false,
          count: n,
        });
    }
    return out.sort((a, b) => b.count - a.count).slice(0, 4);
  }
}

const SNIPPET = 120;

/** About SNIPPET characters of the text around the first place a query word appears (or its start). */
export function snippetOf(text: string, words: string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = normalize(flat);
  let at = -1;
  for (const w of words) {
    const i = lower.indexOf(normalize(w));
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
  const start = Math.max(0, at - 30);
  const end = Math.min(flat.length, start + SNIPPET);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}

/** Splits a text into parts, marking where the words appear (whatever their width or script). */
export function highlight(text: string, words: string[]): Part[] {
  const lower = normalize(text);
  const wanted = [...new Set(words.map(normalize).filter((w) => w.length > 0))].sort((a, b) => b.length - a.length);
  // NFKC and OpenCC keep one character for one here; where they do not, nothing is marked rather than the wrong thing
  if (lower.length !== text.length || !wanted.length) return [{ text, mark: false }];
  const marked = new Uint8Array(text.length);
  for (const w of wanted)
    for (let i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + w.length)) marked.fill(1, i, i + w.length);
  const parts: Part[] = [];
  for (let i = 0; i < text.length; ) {
    let j = i;
    while (j < text.length && marked[j] === marked[i]) j++;
    parts.push({ text: text.slice(i, j), mark: marked[i] === 1 });
    i = j;
  }
  return parts;
}

const termsInput = z.object({
  terms: z
    .string()
    .max(20_000, '一次最多提交 2 万字')
    .transform((s) => [
      ...new Set(
        s
          .split(/[\s,，、;；]+/)
          .map((t) => normalize(t))
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(z.string().regex(/^[\p{Script=Han}a-z0-9]{2,20}$/u, '每个词须为 2–20 个汉字、字母或数字'))
        .min(1, '请填写至少一个词')
        .max(500, '一次最多添加 500 个词'),
    ),
});

/** The office adds words to the segmentation dictionary; every instance then rebuilds its index. */
export async function addSearchTerms(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSearchManager(actor, siteId);
  const { terms } = parseInput(termsInput, raw);
  const added = await ctx.db.transaction().execute(async (trx) => {
    const rows = await insertTerms(trx, siteId, terms, actor.principal?.userId ?? null);
    if (rows.length) await noteChange(trx, null, '*');
    await audit(trx, actor, {
      siteId,
      action: 'search.add_terms',
      entityType: 'search_terms',
      entityId: '',
      after: { terms: rows.map((r) => r.term) },
    });
    return rows.length;
  });
  await refreshSearch(ctx);
  return added;
}

/** The office asks every instance to rebuild its index from the database. */
export async function requestRebuild(ctx: Ctx, actor: Actor, siteId: number): Promise<void> {
  requireSearchManager(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    await noteChange(trx, null, '*');
    await audit(trx, actor, { siteId, action: 'search.rebuild', entityType: 'search_index', entityId: '' });
  });
  await refreshSearch(ctx);
}

/** What the office's search page shows: the index's size, whether it is being rebuilt, and the word list. */
export async function searchStatus(ctx: Ctx, actor: Actor, siteId: number) {
  requireSearchManager(actor, siteId);
  return { size: ctx.search.engine.size, building: ctx.search.building, terms: await latestTerms(ctx.db, 2000) };
}

/** After a bulk load: the planner's statistics of the change outbox, brought up to date. */
export const refreshSearchStatistics = (ctx: Ctx) => analyzeChanges(ctx.db);

/** Runs a search of a site from the form's or the API's parameters. */
export async function searchSite(ctx: Ctx, site: Site, query: SearchQuery): Promise<SearchPage> {
  const columnIds = query.column ? await columnScope(ctx, site.id, query.column) : undefined;
  return ctx.search.search(
    ctx.db,
    {
      siteId: site.id,
      q: query.q,
      agencyId: query.agency,
      columnIds,
      theme: query.theme,
      genre: query.genre,
      validity: query.validity,
      kind: query.kind,
      yearFrom: query.from,
      yearTo: query.to,
      sort: query.sort,
      page: query.page,
      pageSize: SEARCH_PAGE_SIZE,
    },
    shanghaiDate(ctx.now()),
  );
}
