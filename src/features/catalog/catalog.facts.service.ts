import type { Kysely } from 'kysely';
import type { Ctx } from '../../core/context.ts';
import type { DB } from '../../core/db.types.ts';
import {
  editionInWorkflow,
  firstColumnOfKind,
  livePoliciesOf,
  publicationStatuses,
  publicItems,
  publishedTitle,
} from './catalog.facts.store.ts';

/** What other features may know of the catalogue's items: facts for the annual report, statuses, a column by kind. */

/** Live items of the genres, each with its agency, 成文日期, first publication and validity. */
export const livePolicies = (ctx: Ctx, siteId: number, agencyId: number | null, genres: string[]) =>
  livePoliciesOf(ctx.db, siteId, agencyId, genres);

/** Status and first publication of items, by id. */
export async function itemStatuses(ctx: Ctx, ids: number[]) {
  if (!ids.length) return new Map<number, { status: string; firstPublishedAt: Date | null }>();
  const rows = await publicationStatuses(ctx.db, ids);
  return new Map(rows.map((r) => [r.id, { status: r.status as string, firstPublishedAt: r.first_published_at }]));
}

/** The edition of an item still in the workflow, with the reason review gave when it returned it. */
export async function openEdition(ctx: Ctx, publicationId: number) {
  const e = await editionInWorkflow(ctx.db, publicationId);
  return e ? { id: e.id, state: e.state as string, rejectionReason: e.rejection_reason } : null;
}

/** The site's first column of a kind (e.g. the 年报 column), if it has one. */
export const columnOfKind = async (ctx: Ctx, siteId: number, kind: string) =>
  (await firstColumnOfKind(ctx.db, siteId, kind))?.id ?? null;

/** Published or withdrawn items by id, with their catalogue fields. */
export const itemList = (ctx: Ctx, ids: number[]) => (ids.length ? publicItems(ctx.db, ids) : Promise.resolve([]));

/** A published item of the site and its title (for a reply that points to it); takes the caller's transaction. */
export const publishedItem = (q: Kysely<DB>, siteId: number, publicationId: number) =>
  publishedTitle(q, siteId, publicationId);
