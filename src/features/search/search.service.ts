import { z } from 'zod';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Db } from '../../core/db.ts';
import type { Site } from '../../core/db.types.ts';
import type { BackendQuery, SearchBackend, SearchFeed, ShownItem } from '../../core/search.ts';
import { noteChange } from '../../core/search.ts';
import { parseInput } from '../../core/validate.ts';
import { columnScope } from '../catalog/catalog.portal.service.ts';
import { toDay } from './search.document.ts';
import { requireSearchManager } from './search.policy.ts';
import { SEARCH_PAGE_SIZE, type SearchQuery } from './search.schema.ts';
import { dictionary, insertTerms, latestTerms } from './search.store.ts';
import {
  alternatives,
  foldPhrase,
  normalize,
  type ParsedQuery,
  parseQuery,
  partsOf,
  questionWords,
  withSynonyms,
} from './search.text.ts';

/** Whether the text has every phrase (folded by `foldPhrase`): checked here, not in SQL, folded as the index folds. */
function hasAll(phrases: string[], text: string): boolean {
  const folded = foldPhrase(text);
  return phrases.every((p) => folded.includes(p));
}

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
 * What a reader's query asks of a backend: words (jieba's normal cut, with synonyms), excluded words, quoted phrases,
 * document and index numbers, and the filters as tokens (`s:` site, `a:` agency, `c:` column, `t:` theme,
 * `g:` genre, `v:` validity, `k:` kind) — the same for every backend.
 */
export function planQuery(req: SearchRequest, today: string): { parsed: ParsedQuery; base: BackendQuery } {
  const parsed = parseQuery(req.q);
  const filters = [`s:${req.siteId}`];
  if (req.agencyId) filters.push(`a:${req.agencyId}`);
  if (req.theme) filters.push(`t:${req.theme}`);
  if (req.genre) filters.push(`g:${req.genre}`);
  if (req.validity) filters.push(`v:${req.validity}`);
  if (req.kind) filters.push(`k:${req.kind}`);
  const base: BackendQuery = {
    terms: parsed.terms,
    optional: parsed.optional,
    excluded: parsed.excluded,
    filters,
    anyOf: req.columnIds?.length ? [req.columnIds.map((c) => `c:${c}`)] : [],
    exact: [...parsed.docNos.map((k) => `n:${k}`), ...parsed.indexNos.map((k) => `i:${k}`)],
    phrases: parsed.phrases.map((p) => foldPhrase(p)),
    dayFrom: req.yearFrom ? toDay(`${req.yearFrom}-01-01`) : undefined,
    dayTo: req.yearTo ? toDay(`${req.yearTo}-12-31`) : undefined,
    sort: req.sort,
    offset: (req.page - 1) * req.pageSize,
    limit: req.pageSize,
    today: toDay(today),
  };
  return { parsed, base };
}

/** A page of results with snippets, or suggestions for a broader query when nothing is found. */
export async function findDocuments(
  ctx: Pick<Ctx, 'search' | 'read'>,
  req: SearchRequest,
  today: string,
): Promise<SearchPage> {
  const feed = ctx.search;
  // the rows of the hits may lag a moment behind the index (a replica)
  const db = ctx.read;
  const { parsed, base } = planQuery(req, today);
  const phrases = base.phrases ?? [];
  const empty = {
    total: 0,
    totalExact: true,
    page: req.page,
    pageSize: req.pageSize,
    hits: [],
    parsed,
    suggestions: [],
  };
  if (!base.terms.length && !base.exact.length && !phrases.length) return { ...empty, building: feed.building };

  let total: number;
  let totalExact = true;
  let relaxed: string | undefined;
  let chosen: { key: string; exact: boolean; shown: ShownItem | null }[];
  if (phrases.length) {
    // the engine leaves out the documents whose sketch rules a phrase out; the database confirms the rest in
    // rank order, only until the page asked for is full and one more result shows there is a next page
    const window = await feed.backend.search({ ...base, offset: 0, limit: PHRASE_WINDOW });
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
        const source = feed.sources.get(kind);
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
    const shown = await show(feed, db, req.siteId, page);
    chosen = page.map((h, i) => ({ key: h.key, exact: h.exact, shown: shown[i] })).filter((h) => h.shown);
  } else {
    let result = await feed.backend.search(base);
    if (result.total === 0 && !base.exact.length) {
      // nothing with the whole words: try their parts (安全检查 → 安全 检查), and say so
      const parts = [...new Set(base.terms.flatMap(partsOf))];
      if (parts.join(' ') !== base.terms.join(' ')) {
        const broader = await feed.backend.search({ ...base, terms: parts });
        if (broader.total > 0) {
          result = broader;
          relaxed = typed(parts);
        }
      }
    }
    total = result.total;
    const shown = await show(feed, db, req.siteId, result.hits);
    chosen = result.hits.map((h, i) => ({ key: h.key, exact: h.exact, shown: shown[i] })).filter((h) => h.shown);
  }
  const marks = [...new Set([...parsed.terms.flatMap(alternatives), ...parsed.phrases])];
  const hits = chosen.map(({ key, exact, shown }) => {
    const kind = key.split(':')[0];
    const s = shown!;
    return {
      kind,
      label: feed.sources.get(kind)?.label ?? '',
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
  const suggestions = total === 0 ? await suggest(feed.backend, base, parsed, req) : [];
  return {
    total,
    totalExact,
    relaxed,
    page: req.page,
    pageSize: req.pageSize,
    hits,
    parsed,
    suggestions,
    building: feed.building,
  };
}

/** Display rows for engine hits, in the same order; null where a document is no longer public. */
async function show(feed: SearchFeed, db: Db, siteId: number, hits: { key: string }[]): Promise<(ShownItem | null)[]> {
  const found = new Map<string, ShownItem>();
  for (const [kind, ids] of idsByKind(hits)) {
    const source = feed.sources.get(kind);
    if (!source) continue;
    for (const item of await source.show(db, siteId, ids)) found.set(`${kind}:${item.id}`, item);
  }
  return hits.map((h) => found.get(h.key) ?? null);
}

/** Broader queries that would find something: one word fewer, or without the filters. */
async function suggest(
  backend: SearchBackend,
  base: BackendQuery,
  parsed: ParsedQuery,
  req: SearchRequest,
): Promise<Suggestion[]> {
  const count = (q: Partial<BackendQuery>) => backend.count({ ...base, ...q });
  const out: Suggestion[] = [];
  if (parsed.terms.length > 1) {
    // words found nowhere are dropped together; then each word in turn
    const found: string[] = [];
    for (const t of parsed.terms) if ((await count({ terms: [t], exact: [] })) > 0) found.push(t);
    if (found.length && found.length < parsed.terms.length) {
      const n = await count({ terms: found });
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
      const n = await count({ terms: rest });
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
    const n = await count({ filters: [`s:${req.siteId}`], anyOf: [], dayFrom: undefined, dayTo: undefined });
    if (n > 0) out.push({ label: '不限机构、栏目、分类和年份', q: req.q, dropFilters: true, count: n });
  }
  if (parsed.excluded.length) {
    const n = await count({ excluded: [] });
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
  await ctx.search.refresh(ctx.db);
  return added;
}

/** The office asks every instance to rebuild its index from the database. */
export async function requestRebuild(ctx: Ctx, actor: Actor, siteId: number): Promise<void> {
  requireSearchManager(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    await noteChange(trx, null, '*');
    await audit(trx, actor, { siteId, action: 'search.rebuild', entityType: 'search_index', entityId: '' });
  });
  await ctx.search.refresh(ctx.db);
}

/** What the office's search page shows: the index's size, whether it is being rebuilt, and the word list. */
export async function searchStatus(ctx: Ctx, actor: Actor, siteId: number) {
  requireSearchManager(actor, siteId);
  return { size: ctx.search.backend.size, building: ctx.search.building, terms: await latestTerms(ctx.db, 2000) };
}

/** The office's extra words, oldest first: every backend cuts text with them. */
export const dictionaryTerms = async (db: Db) => (await dictionary(db)).map((t) => t.term);

/** Runs a search of a site from the form's or the API's parameters. */
export async function searchSite(ctx: Ctx, site: Site, query: SearchQuery): Promise<SearchPage> {
  const columnIds = query.column ? await columnScope(ctx, site.id, query.column) : undefined;
  return findDocuments(
    ctx,
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

/** The kinds of document search covers, as the form offers them (政府信息, 政府公报, 来信选登 …). */
export const searchKinds = (ctx: Pick<Ctx, 'search'>): [string, string][] =>
  [...ctx.search.sources.values()].map((s) => [s.kind, s.label]);

/** How many of a text's words a similar document must have (all of them when the text has fewer). */
const SIMILAR_WORDS = 2;

/**
 * Published documents of one kind most like a text (the knowledge base's answers to a letter's title): ranked by
 * the text's words they have — any of them, not all, since a resident's question is worded freely —, of those that
 * have at least two of its words (or all, when it has fewer), one of them in their own title.
 */
export async function similarDocuments(
  ctx: Pick<Ctx, 'search' | 'read'>,
  siteId: number,
  kind: string,
  text: string,
  limit: number,
): Promise<SearchHit[]> {
  const words = questionWords(text.slice(0, 200)).slice(0, 12);
  if (!words.length) return [];
  const result = await ctx.search.backend.search({
    terms: [],
    optional: words.map(withSynonyms),
    excluded: [],
    filters: [`s:${siteId}`, `k:${kind}`],
    anyOf: [],
    exact: [],
    sort: 'relevance',
    offset: 0,
    limit: limit * 4,
  });
  const shown = await show(ctx.search, ctx.read, siteId, result.hits);
  const needed = Math.min(SIMILAR_WORDS, words.length);
  const label = ctx.search.sources.get(kind)?.label ?? '';
  return shown
    .flatMap((s, i) => {
      if (!s) return [];
      const has = (text: string) => words.filter((w) => alternatives(withSynonyms(w)).some((a) => text.includes(a)));
      const found = has(`${s.title}\n${s.text}`);
      // a word of the question itself, not only of its answer's text
      return found.length >= needed && has(s.title).length ? [{ s, found, order: i }] : [];
    })
    .sort((a, b) => b.found.length - a.found.length || a.order - b.order)
    .slice(0, limit)
    .map(({ s, found }) => ({
      kind,
      label,
      id: s.id,
      path: s.path,
      title: highlight(s.title, found),
      date: s.date,
      facts: s.facts,
      snippet: highlight(snippetOf(s.text, found), found),
      exact: false,
    }));
}
