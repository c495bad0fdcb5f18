import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Agency, Column } from '../../core/db.types.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { type Change, SITE_CHANGE } from '../../core/search.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import {
  agencyCatalog,
  type CatalogFilter,
  columnAndDescendants,
  countLive,
  gazetteIssue,
  gazetteIssues,
  gazetteYears,
  itemsInColumns,
  latestInColumns,
  listInColumns,
  PAGE_SIZE,
  publicAttachment,
  publicationPlaces,
  publicImage,
  publicPage,
  sitemapPage,
  visibleColumns,
} from './catalog.read.store.ts';
import { shownPublications } from './catalog.search.store.ts';

/** What the public portal reads of the catalogue: one function a page, each over published data only. */

/** The kinds of column whose latest items the home page shows, in order. */
const HOME_KINDS = ['news', 'notice', 'policy', 'interpretation'];
const HOME_ITEMS = 8;

/** The portal's main navigation: the site's visible top-level columns. */
export async function portalNav(ctx: Ctx, siteId: number): Promise<{ path: string; name: string }[]> {
  const columns = await visibleColumns(ctx.read, siteId);
  // the gazette column opens the gazette itself (its issues by year), so the menu names it once
  return columns
    .filter((c) => c.parent_id === null)
    .map((c) => ({ path: c.kind === 'gazette' ? '/gazette' : `/c/${c.slug}`, name: c.name }));
}

/** The site's visible columns, for filters and pickers of other features. */
export const portalColumns = (ctx: Ctx, siteId: number) => visibleColumns(ctx.read, siteId);

/** The ids of a visible column and the columns below it; none (`[-1]`, matching nothing) for an unknown slug. */
export async function columnScope(ctx: Ctx, siteId: number, slug: string): Promise<number[]> {
  const column = (await visibleColumns(ctx.read, siteId)).find((c) => c.slug === slug);
  return column ? columnAndDescendants(ctx.read, siteId, column.id) : [-1];
}

const inColumn = async (ctx: Ctx, siteId: number, column: Column, page: number, size?: number) =>
  listInColumns(ctx.read, siteId, await columnAndDescendants(ctx.read, siteId, column.id), page, size);

export async function homePage(ctx: Ctx, siteId: number) {
  const columns = await visibleColumns(ctx.read, siteId);
  const blockColumns = HOME_KINDS.map((k) => columns.find((c) => c.kind === k)).filter((c) => c !== undefined);
  const blocks = await Promise.all(
    blockColumns.map(async (column) => ({
      column,
      items: await itemsInColumns(
        ctx.read,
        siteId,
        await columnAndDescendants(ctx.read, siteId, column.id),
        1,
        HOME_ITEMS,
      ),
    })),
  );
  const childrenOfTop = (kind: string) => {
    const top = columns.find((c) => c.kind === kind && c.parent_id === null);
    return top ? columns.filter((c) => c.parent_id === top.id) : [];
  };
  return { blocks, keyAreas: childrenOfTop('key_area'), topics: childrenOfTop('topic') };
}

async function columnBySlug(ctx: Ctx, siteId: number, slug: string) {
  const columns = await visibleColumns(ctx.read, siteId);
  const column = columns.find((c) => c.slug === slug);
  if (!column) throw notFound('栏目不存在');
  return { column, columns };
}

/** A column's page: its items (its sub-columns' too), where it sits and what is below it. */
export async function columnPage(ctx: Ctx, siteId: number, slug: string, page: number) {
  const { column, columns } = await columnBySlug(ctx, siteId, slug);
  const { items, total, exact } = await inColumn(ctx, siteId, column, page);
  const parents: Column[] = [];
  for (let up = columns.find((c) => c.id === column.parent_id); up; up = columns.find((c) => c.id === up?.parent_id))
    parents.unshift(up);
  const children = columns.filter((c) => c.parent_id === column.id);
  return { column, parents, children, items, page, total, exact, pages: Math.ceil(total / PAGE_SIZE) };
}

/** Published items of one visible column (with its sub-columns) or of every visible column, a page at a time. */
export async function publishedList(ctx: Ctx, siteId: number, slug: string | undefined, page: number) {
  const columns = await visibleColumns(ctx.read, siteId);
  let ids = columns.map((c) => c.id);
  if (slug !== undefined) {
    const column = columns.find((c) => c.slug === slug);
    if (!column) throw notFound('栏目不存在');
    ids = await columnAndDescendants(ctx.read, siteId, column.id);
  }
  return { ...(await listInColumns(ctx.read, siteId, ids, page)), pageSize: PAGE_SIZE };
}

const FEED_ITEMS = 50;

/** The latest items of the site, or of one column (with its sub-columns) when a slug is given. */
export async function feedItems(ctx: Ctx, siteId: number, slug?: string) {
  if (slug === undefined) return { column: null, items: await latestInColumns(ctx.read, siteId, null, FEED_ITEMS) };
  const { column } = await columnBySlug(ctx, siteId, slug);
  const ids = await columnAndDescendants(ctx.read, siteId, column.id);
  return { column, items: await latestInColumns(ctx.read, siteId, ids, FEED_ITEMS) };
}

/** A publication's public page, with its agency's name; 404 before publication, 410 once unpublished. */
export async function publicationPage(ctx: Ctx, siteId: number, publicationId: number) {
  const data = await publicPage(ctx.read, siteId, publicationId);
  if (!data) throw notFound('信息不存在或尚未发布');
  if ('gone' in data) throw new AppError('gone', `该信息已撤销发布。原因：${data.gone}`);
  return { data, agencyName: data.publication.agency_name };
}

/** The title of a publication public on the site, or null (for other features' links to the catalogue). */
export async function publicationTitle(ctx: Ctx, siteId: number, publicationId: number): Promise<string | null> {
  return (await shownPublications(ctx.read, siteId, [publicationId], 0))[0]?.title ?? null;
}

/** A public edition's attachment and its bytes. */
export async function publicFile(
  ctx: Ctx,
  siteId: number,
  attachmentId: number,
): Promise<{ filename: string; mime: string; body: Buffer }> {
  const a = await publicAttachment(ctx.read, siteId, attachmentId);
  if (!a) throw notFound('附件不存在');
  return { filename: a.filename, mime: a.mime, body: await ctx.files.get(a.file_hash) };
}

/** A picture of a published body, by its file's hash. */
export async function publicPicture(ctx: Ctx, siteId: number, hash: string): Promise<{ mime: string; body: Buffer }> {
  const a = /^[0-9a-f]{64}$/.test(hash) ? await publicImage(ctx.read, siteId, hash) : undefined;
  if (!a) throw notFound('图片不存在');
  return { mime: a.mime, body: await ctx.files.get(a.file_hash) };
}

export async function portalAgency(ctx: Ctx, siteId: number, agencyId: number | undefined): Promise<Agency> {
  const agency = agencyId === undefined ? undefined : (await siteAgencies(ctx, siteId)).find((a) => a.id === agencyId);
  if (!agency) throw notFound('机构不存在');
  return agency;
}

/** An agency's catalogue (目录) page, filtered by theme, genre and year. */
export async function agencyCatalogPage(ctx: Ctx, siteId: number, agencyId: number, f: CatalogFilter, page: number) {
  const { items, total, exact } = await agencyCatalog(ctx.read, siteId, agencyId, f, page);
  return { items, total, exact, pages: Math.ceil(total / PAGE_SIZE) };
}

/** The gazette's issues of a year (the latest year with issues unless one is asked for). */
export async function gazettePage(ctx: Ctx, siteId: number, askedYear: number | undefined, thisYear: number) {
  const today = shanghaiDate(ctx.now());
  const years = (await gazetteYears(ctx.read, siteId, today)).map((r) => r.year);
  const year = askedYear ?? years[0] ?? thisYear;
  return { years, year, issues: await gazetteIssues(ctx.read, siteId, year, today) };
}

export async function gazetteIssuePage(ctx: Ctx, siteId: number, issueId: number | undefined) {
  const data = issueId === undefined ? null : await gazetteIssue(ctx.read, siteId, issueId, shanghaiDate(ctx.now()));
  if (!data) throw notFound('公报不存在');
  return data;
}

/** How many sitemap files the site's publications fill. */
export async function sitemapCount(ctx: Ctx, siteId: number, perFile: number): Promise<number> {
  return Math.max(1, Math.ceil((await countLive(ctx.read, siteId)) / perFile));
}

/** One sitemap file: the first also lists the home page and the columns. */
export async function sitemapFile(ctx: Ctx, siteId: number, n: number, perFile: number) {
  const rows = await sitemapPage(ctx.read, siteId, n - 1, perFile);
  const columns = n === 1 ? await visibleColumns(ctx.read, siteId) : [];
  return { home: n === 1, columns, rows };
}

/** The portal pages a set of changes touches, as paths within each site; `all` when every page of the site may. */

/**
 * Which public pages these changes of the outbox touch (web/page.files.ts rewrites them): a publication's own page,
 * the home page, the column pages that list it (a column lists its sub-columns' items) and its agencies' catalogues;
 * a gazette issue's page and the gazette; everything for a change to the site itself.
 */
export async function pagesTouched(ctx: Ctx, changes: Change[]): Promise<TouchedPages> {
  const touched: TouchedPages = new Map();
  const add = (siteId: number, paths: string[]) => {
    const set = touched.get(siteId) ?? new Set<string>();
    if (set === 'all') return;
    for (const p of paths) set.add(p);
    touched.set(siteId, set);
  };
  const publications: number[] = [];
  for (const c of changes) {
    if (c.siteId == null) continue;
    const [kind, id] = c.key.split(':');
    if (c.key === SITE_CHANGE) touched.set(c.siteId, 'all');
    else if (kind === 'p' && /^\d+$/.test(id ?? '')) publications.push(Number(id));
    else if (kind === 'g' && /^\d+$/.test(id ?? '')) add(c.siteId, ['/gazette', `/gazette/${id}`]);
  }
  const places = await publicationPlaces(ctx.db, [...new Set(publications)]);
  const columnsBySite = new Map<number, Column[]>();
  for (const place of places) {
    if (touched.get(place.site_id) === 'all') continue;
    const columns = columnsBySite.get(place.site_id) ?? (await visibleColumns(ctx.db, place.site_id));
    columnsBySite.set(place.site_id, columns);
    const listing = new Set<Column>();
    for (const id of place.columns)
      for (
        let c = columns.find((x) => x.id === id);
        c && !listing.has(c);
        c = columns.find((x) => x.id === c?.parent_id)
      )
        listing.add(c);
    add(place.site_id, [
      '/',
      `/p/${place.id}`,
      ...[...listing].map((c) => `/c/${c.slug}`),
      ...place.agencies.map((a) => `/agencies/${a}`),
    ]);
  }
  return touched;
}
