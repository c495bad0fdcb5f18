/**
 * The search seam. Features publish documents and record that they changed (`noteChange`, the change outbox); a
 * `SearchFeed` follows the outbox and keeps a `SearchBackend` in step with what is public; the search feature plans
 * queries and asks the backend. The in-process engine is the local backend (features/search); an installation that
 * outgrows one machine can put an existing engine behind the same interface (README, "Search engine").
 */
import { type Kysely, sql } from 'kysely';
import type { Db } from './db.ts';
import type { DB } from './db.types.ts';

/** What a source says about one of its public documents, for the index. */
export interface SearchDoc {
  id: number;
  siteId: number;
  title: string;
  /** Document number, keywords, summary, agencies: ranked between the title and the body. */
  meta: string;
  body: string;
  /** Filter tokens: `a:<agency>`, `c:<column>`, `g:<genre>`, `t:<theme>`, `v:<validity>`. */
  filters: string[];
  docNo?: string;
  indexNo?: string;
  /** The date shown and sorted by, YYYY-MM-DD. */
  date: string;
  /** Valid (not repealed or expired) documents rank slightly higher. */
  valid: boolean;
}

/** A document of a kind (`p` publications, `g` gazette issues …); its key in the index is `kind:id`. */
export interface KindDoc {
  kind: string;
  doc: SearchDoc;
}

/** How a result is shown. */
export interface ShownItem {
  id: number;
  title: string;
  /** Path under the site, e.g. `/p/12`. */
  path: string;
  date: string;
  /** Agency, document number, genre …, shown under the title. */
  facts: string[];
  /** A label such as 已废止. */
  badge?: string;
  /** Text the snippet is cut from. */
  text: string;
}

/**
 * A kind of public document that search covers, given by the feature that publishes it. Publications (with
 * interpretations) and gazette issues are the first; the FAQ, public letters, service guides and power items
 * register the same way.
 */
export interface SearchSource {
  /** One or two letters that prefix the document's key, e.g. `p` in `p:12`. */
  kind: string;
  /** What the kind is called in results, e.g. 政府信息. */
  label: string;
  /** The public state of these documents (those not public are left out), or a page of all of them by id. */
  load(db: Db, which: { ids: number[] } | { after: number; limit: number }): Promise<SearchDoc[]>;
  /** How these documents are shown, if they are still public on the site. */
  show(db: Db, siteId: number, ids: number[]): Promise<ShownItem[]>;
  /** The title and text of these documents, as written, where they are public (for checking phrases). */
  texts(db: Db, ids: number[]): Promise<{ id: number; text: string }[]>;
}

/** A query as the search feature plans it (see docs/search-engine.md for what each part means to a backend). */
export interface BackendQuery {
  /** Words that must all be in a document; they are scored. `a|b` is either word (synonyms). */
  terms: string[];
  /** Words a document need not have; each it has adds to its score as a word of `terms` would. */
  optional?: string[];
  /** Words none of which may be in a document. */
  excluded: string[];
  /** Filter tokens that must all be on a document (e.g. its site `s:1`, kind `k:p`). */
  filters: string[];
  /** Groups of filter tokens: a document needs at least one of each group (e.g. a column or its sub-columns). */
  anyOf: string[][];
  /** Exact keys (`n:` document number, `i:` 索引号): a document with one matches even without the words, first. */
  exact: string[];
  /**
   * Phrases, folded: a backend may leave out documents that cannot hold one; it need not be exact (the caller
   * confirms the phrases on what it shows), but it must never leave out a document that holds them all.
   */
  phrases?: string[];
  /** Inclusive range of days since 1970-01-01. */
  dayFrom?: number;
  dayTo?: number;
  sort: 'relevance' | 'date';
  offset: number;
  limit: number;
  /** Today as days since 1970-01-01: when given, recent documents may rank slightly higher. */
  today?: number;
}

export interface BackendHit {
  key: string;
  score: number;
  /** The document's date, days since 1970-01-01. */
  day: number;
  /** Matched through a document or index number. */
  exact: boolean;
}

export interface BackendResult {
  total: number;
  hits: BackendHit[];
}

/**
 * A search engine behind the platform. Every backend passes the contract suite (features/search/search.contract.ts)
 * on the same corpus: the same result sets, in the same order where the order is defined.
 */
export interface SearchBackend {
  /**
   * Whether one index serves every instance (an OpenSearch cluster): then one instance at a time feeds it, holding
   * the outbox lease, and the cursor is the database's. A local backend is one instance's own and follows the
   * outbox itself.
   */
  readonly shared: boolean;
  /** Documents indexed. */
  readonly size: number;
  /**
   * Loads what was saved, with the office's extra words; returns the change number it is complete up to, or null
   * when it has nothing (or nothing usable: other words) and must be rebuilt.
   */
  open(dictionary: string[]): Promise<number | null>;
  /** Adds or replaces documents (by key) and removes keys; searchable when it resolves. */
  apply(upsert: KindDoc[], remove: string[]): Promise<void>;
  /** Builds a new index from every public document, page by page, then takes its place. */
  rebuild(pages: AsyncIterable<KindDoc[]>, dictionary: string[]): Promise<void>;
  search(q: BackendQuery): Promise<BackendResult>;
  /** How many documents match (for suggestions of broader queries). */
  count(q: BackendQuery): Promise<number>;
  /** Makes what is applied durable, as complete up to change `seq`. */
  checkpoint(seq: number): Promise<void>;
  close(): Promise<void>;
}

// ———————————————————————————— the change outbox ————————————————————————————

/** A recorded change: its number and the document's key (`*`: rebuild everything). */
export interface Change {
  seq: number;
  key: string;
  /** The site whose published data changed (null: every site). */
  siteId?: number | null;
}

/** A document as the transaction that recorded its change wrote it (see `SearchFeed.offer`). */
export type Offered = Change & { doc: SearchDoc };

/** Records, inside the caller's transaction, that documents' public state may have changed. */
export async function noteChange(trx: Kysely<DB>, siteId: number | null, keys: string | string[]): Promise<Change[]> {
  const list = Array.isArray(keys) ? keys : [keys];
  if (!list.length) return [];
  const rows = await trx
    .insertInto('search_changes')
    .values(list.map((key) => ({ site_id: siteId, key })))
    .returning(['seq', 'key'])
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), key: r.key }));
}

/** The key of a change to a whole site (its name, columns, agencies, footer): every public page of it may differ. */
export const SITE_CHANGE = 'site';

/** Records, inside the caller's transaction, that every public page of a site may have changed. */
export const noteSiteChange = (trx: Kysely<DB>, siteId: number) => noteChange(trx, siteId, SITE_CHANGE);

async function changeBound(db: Db, which: 'min' | 'max'): Promise<number | null> {
  const r = await db
    .selectFrom('search_changes')
    .select((eb) => (which === 'min' ? eb.fn.min('seq') : eb.fn.max('seq')).as('seq'))
    .executeTakeFirst();
  return r?.seq == null ? null : Number(r.seq);
}

/** The number of the latest change recorded (0 when there is none). */
export const latestChange = async (db: Db) => (await changeBound(db, 'max')) ?? 0;

/** Changes numbered after `seq` or among the gaps, in order. */
function changesSince(db: Db, seq: number, gaps: number[], limit: number) {
  return db
    .selectFrom('search_changes')
    .select(['seq', 'key', 'site_id'])
    .where((eb) => (gaps.length ? eb.or([eb('seq', '>', seq), eb('seq', 'in', gaps)]) : eb('seq', '>', seq)))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The changes of the last `ms` milliseconds: a new feeder of a shared index applies them again (idempotent). */
function recentChanges(db: Db, ms: number) {
  return db
    .selectFrom('search_changes')
    .select(['seq', 'key'])
    .where('at', '>', sql<Date>`now() - make_interval(secs => ${ms / 1000})`)
    .orderBy('seq')
    .execute();
}

/** The feeder of a shared index: one instance at a time, for LEASE_MS after it last renewed. */
const LEASE_MS = 30_000;

/**
 * Takes or renews the lease on a shared index's cursor; returns the cursor (the change number applied up to) and
 * whether this instance just took it over, or null while another instance holds it.
 */
async function takeLease(db: Db, name: string, holder: string): Promise<{ seq: number; fresh: boolean } | null> {
  const row = await sql<{ seq: string; holder: string; was: string | null }>`
    insert into search_cursors as c (name, seq, holder, lease_until)
    values (${name}, 0, ${holder}, now() + make_interval(secs => ${LEASE_MS / 1000}))
    on conflict (name) do update
      set holder = excluded.holder, lease_until = excluded.lease_until
      where c.holder = excluded.holder or c.lease_until < now()
    returning c.seq, c.holder, (select holder from search_cursors where name = ${name}) as was`.execute(db);
  const r = row.rows[0];
  return r ? { seq: Number(r.seq), fresh: r.was !== holder } : null;
}

/** Moves the shared cursor on, while this instance holds the lease. */
async function advanceCursor(db: Db, name: string, holder: string, seq: number): Promise<boolean> {
  const r = await db
    .updateTable('search_cursors')
    .set({ seq })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .where('seq', '<', seq)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** After a bulk load: the planner's statistics of the outbox, brought up to date (PGlite has no autovacuum). */
export async function analyzeOutbox(db: Db): Promise<void> {
  await sql`analyze search_changes`.execute(db);
}

/** Changes older than this are deleted; a local index saved before them is rebuilt on opening. */
async function pruneChanges(db: Db, keepDays: number): Promise<void> {
  await db
    .deleteFrom('search_changes')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${keepDays})`)
    .execute();
}

const PAGE = 2000;
/** A skipped change number is watched this long: a transaction may commit after one with a later number. */
const GAP_MS = 120_000;
const MAX_GAPS = 10_000;
const SYNC_BATCH = 5000;
/** Documents handed over by their writers (`offer`) and kept until a sync takes them. */
const MAX_OFFERED = 10_000;

/**
 * A follower's place in the change outbox that misses nothing: a change numbered below one already read may commit
 * later (transactions finish out of order), so the numbers skipped are watched for a while as gaps. The search feed
 * and the page files (web/page.files.ts) each follow the outbox with one.
 */
export class ChangeCursor {
  /** Every change up to this number has been read, but for the gaps. */
  seq = 0;
  /** Change numbers skipped so far, and since when (ms): they may still commit. */
  readonly gaps = new Map<number, number>();

  /** Starts again from `seq`, with no gaps. */
  reset(seq: number) {
    this.seq = seq;
    this.gaps.clear();
  }

  /** Whether change `seq` is still to be read. */
  ahead(seq: number) {
    return seq > this.seq || this.gaps.has(seq);
  }

  /**
   * The next changes (after the place or among the gaps), in order, and the number to move to once they are handled
   * (`seq = top`); the numbers they skip become gaps.
   */
  async read(db: Db, limit: number): Promise<{ changes: Change[]; top: number }> {
    const rows = await changesSince(db, this.seq, [...this.gaps.keys()], limit);
    const now = Date.now();
    for (const [seq, since] of this.gaps) if (now - since > GAP_MS) this.gaps.delete(seq);
    let top = this.seq;
    const changes = rows.map((c) => ({ seq: Number(c.seq), key: c.key, siteId: c.site_id }));
    for (const { seq } of changes) {
      this.gaps.delete(seq);
      if (seq > top) {
        for (let missing = top + 1; missing < seq && this.gaps.size < MAX_GAPS; missing++) this.gaps.set(missing, now);
        top = seq;
      }
    }
    return { changes, top };
  }
}

export interface FeedOptions {
  /** The office's extra words (the search feature's dictionary). */
  dictionary: (db: Db) => Promise<string[]>;
  /** This instance, as the holder of a shared index's lease. */
  holder?: string;
  /** The shared index's cursor (one row of search_cursors). */
  cursor?: string;
}

/**
 * Keeps a search backend in step with the database through the change outbox: at start (loading what the backend
 * saved, or rebuilding), after each committed change (`sync`), and when asked to rebuild. A local backend is fed by
 * its own instance; a shared one by the instance holding the lease, from the cursor in the database.
 */
export class SearchFeed {
  private readonly position = new ChangeCursor();
  readonly sources = new Map<string, SearchSource>();
  private syncing: Promise<void> | null = null;
  private rebuilding: Promise<void> | null = null;
  /** Documents handed over with the change that recorded them, by change number (see `offer`). */
  private readonly offered = new Map<number, Offered>();
  private readonly holder: string;
  private readonly cursor: string;

  constructor(
    readonly backend: SearchBackend,
    sources: SearchSource[],
    private readonly opts: FeedOptions,
  ) {
    for (const s of sources) this.sources.set(s.kind, s);
    this.holder = opts.holder ?? `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    this.cursor = opts.cursor ?? 'search';
  }

  /** An index is being built from scratch; results may be incomplete meanwhile. */
  get building() {
    return this.rebuilding !== null;
  }

  /** Resolves when no rebuild or sync is running: what was committed before is searchable. */
  async settled(): Promise<void> {
    while (this.rebuilding || this.syncing) await (this.rebuilding ?? this.syncing);
  }

  /** Loads the saved index and catches up with the database; rebuilds (in the background) when there is none. */
  async open(db: Db, opts: { wait?: boolean } = {}): Promise<void> {
    const dictionary = await this.opts.dictionary(db);
    const saved = await this.backend.open(dictionary);
    const oldest = await changeBound(db, 'min');
    // a local index saved before the changes it missed were pruned cannot catch up
    const missed = !this.backend.shared && saved !== null && oldest !== null && oldest > saved + 1;
    if (saved !== null && !missed) {
      this.position.seq = saved;
      await this.sync(db);
      return;
    }
    if (this.backend.shared && !(await takeLease(db, this.cursor, this.holder))) return;
    const build = this.rebuild(db);
    if (opts.wait) await build;
  }

  /** Every public document of every source, a page at a time, in id order; `progress` counts them as they go. */
  private async *everything(db: Db, progress?: (done: number) => void): AsyncIterable<KindDoc[]> {
    let done = 0;
    for (const source of this.sources.values())
      for (let after = 0; ; ) {
        const docs = await source.load(db, { after, limit: PAGE });
        if (!docs.length) break;
        yield docs.map((doc) => ({ kind: source.kind, doc }));
        done += docs.length;
        progress?.(done);
        after = docs[docs.length - 1].id;
      }
  }

  /** Rebuilds the whole index from the database into a new one, then swaps it in. */
  rebuild(db: Db, progress?: (done: number) => void): Promise<void> {
    this.rebuilding ??= (async () => {
      try {
        const dictionary = await this.opts.dictionary(db);
        const start = await latestChange(db);
        await this.backend.rebuild(this.everything(db, progress), dictionary);
        // what was applied to the old index since the rebuild began is applied again to the new one
        this.position.reset(start);
        if (this.backend.shared) await advanceCursor(db, this.cursor, this.holder, start);
        await this.sync(db);
        await this.backend.checkpoint(this.position.seq);
      } finally {
        this.rebuilding = null;
      }
    })();
    // a rebuild started in the background (at start, on a '*' change) fails into the log, never into an unhandled
    // rejection that would stop the process; whoever awaits it still sees the failure
    this.rebuilding.catch((e) => console.error('search index rebuild failed:', e));
    return this.rebuilding;
  }

  /**
   * After a change is committed: this instance's index takes it at once (the others within their next sync). A
   * failure here never undoes the change; the next sync picks it up.
   */
  async refresh(db: Db): Promise<void> {
    await this.sync(db).catch((e) => console.error('search sync failed:', e));
  }

  /** Applies the changes recorded since the last sync (a shared index: only while this instance holds the lease). */
  sync(db: Db): Promise<void> {
    this.syncing ??= this.syncNow(db).finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Each changed document is read again from its source (or taken as handed over), in the outbox's order. */
  private async syncNow(db: Db): Promise<void> {
    if (this.backend.shared) {
      const lease = await takeLease(db, this.cursor, this.holder);
      if (!lease) return;
      if (lease.fresh) {
        // taken over from another instance: start from its cursor, and apply again what may have committed late
        this.position.reset(lease.seq);
        const recent = (await recentChanges(db, GAP_MS)).map((c) => ({ seq: Number(c.seq), key: c.key }));
        if (recent.some((c) => c.key === '*')) return void this.rebuild(db);
        await this.apply(db, recent);
      }
    }
    for (;;) {
      const { changes, top } = await this.position.read(db, SYNC_BATCH);
      this.dropOffered();
      if (!changes.length) return;
      if (changes.some((c) => c.key === '*')) {
        this.position.seq = top;
        void this.rebuild(db);
        return;
      }
      await this.apply(db, changes);
      this.position.seq = top;
      if (this.backend.shared && !(await advanceCursor(db, this.cursor, this.holder, top))) return;
    }
  }

  /** Deletes changes older than `keepDays`. */
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
      if (this.position.ahead(e.seq) && this.offered.size < MAX_OFFERED) this.offered.set(e.seq, e);
  }

  /** Forgets the documents handed over for changes the sync has passed. */
  private dropOffered() {
    for (const seq of this.offered.keys()) if (!this.position.ahead(seq)) this.offered.delete(seq);
  }

  /** Indexes these documents as they are now, removing those no longer public: as handed over, or read again. */
  private async apply(db: Db, changes: Change[]): Promise<void> {
    // each document once, as its last change in the batch left it
    const last = new Map<string, number>();
    for (const c of changes) last.set(c.key, Math.max(c.seq, last.get(c.key) ?? 0));
    const byKind = new Map<string, { given: SearchDoc[]; read: number[] }>();
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
    const upsert: KindDoc[] = [];
    const remove: string[] = [];
    for (const [kind, { given, read }] of byKind) {
      const loaded = read.length ? await this.sources.get(kind)!.load(db, { ids: read }) : [];
      const live = new Set(loaded.map((d) => d.id));
      for (const id of read) if (!live.has(id)) remove.push(`${kind}:${id}`);
      for (const doc of [...given, ...loaded]) upsert.push({ kind, doc });
    }
    if (upsert.length || remove.length) await this.backend.apply(upsert, remove);
  }

  /** Makes what is applied durable (a local index: written to disk when it changed). */
  save(): Promise<void> {
    return this.backend.checkpoint(this.position.seq);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
