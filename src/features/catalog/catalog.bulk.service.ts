import type { Kysely } from 'kysely';
import { shanghaiMidnight } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB } from '../../core/db.types.ts';
import { bodyOf } from '../../core/html.ts';
import { noteChange, type Offered } from '../../core/search.ts';
import type { ImportRow } from '../imports/imports.rules.ts';
import {
  agenciesByIds,
  analyzeCatalog,
  type BulkEdition,
  importedKeys,
  insertEditionLinks,
  insertEditions,
  insertPublications,
  takenIndexNos,
} from './catalog.bulk.store.ts';
import { formatIndexNo } from './catalog.rules.ts';
import { publicationDoc } from './catalog.search.service.ts';
import { reserveSerials } from './catalog.store.ts';

export type ImportOutcome = { imported: number } | { duplicate: true } | { error: { field: string; message: string } };

/**
 * Writes already-checked rows as published documents, inside the caller's transaction (bulk import).
 * A row whose source key is already on the site is a duplicate and adds nothing; a row whose 索引号 is taken
 * is refused; the others get their own 索引号, or a new one from the agency's counter.
 */
export async function importPublications(
  trx: Kysely<DB>,
  siteId: number,
  rows: ImportRow[],
  userId: number | null,
): Promise<{ outcomes: ImportOutcome[]; indexed: Offered[] }> {
  const out: ImportOutcome[] = rows.map(() => ({ duplicate: true }) as ImportOutcome);
  if (!rows.length) return { outcomes: out, indexed: [] };
  const existing = await importedKeys(
    trx,
    siteId,
    rows.map((r) => r.sourceKey),
  );
  const taken = await takenIndexNos(
    trx,
    rows.map((r) => r.indexNo).filter((x): x is string => !!x),
  );
  const seenKeys = new Set<string>();
  const seenIndexNos = new Set<string>();
  const fresh: number[] = [];
  rows.forEach((r, i) => {
    if (existing.has(r.sourceKey) || seenKeys.has(r.sourceKey)) return;
    seenKeys.add(r.sourceKey);
    if (r.indexNo && (taken.has(r.indexNo) || seenIndexNos.has(r.indexNo))) {
      out[i] = { error: { field: 'indexNo', message: `索引号“${r.indexNo}”已被其他信息使用` } };
      return;
    }
    if (r.indexNo) seenIndexNos.add(r.indexNo);
    fresh.push(i);
  });
  if (!fresh.length) return { outcomes: out, indexed: [] };
  const agencies = new Map(
    (await agenciesByIds(trx, siteId, [...new Set(fresh.map((i) => rows[i].agencyId))])).map((a) => [a.id, a]),
  );
  const at = shanghaiMidnight;
  // serials for the rows without their own 索引号: one range per agency and year
  const needs = new Map<string, { agencyId: number; year: number; count: number }>();
  for (const i of fresh) {
    const r = rows[i];
    if (r.indexNo) continue;
    const year = Number(r.publishedOn.slice(0, 4));
    const key = `${r.agencyId}:${year}`;
    const n = needs.get(key) ?? { agencyId: r.agencyId, year, count: 0 };
    n.count++;
    needs.set(key, n);
  }
  const next = await reserveSerials(trx, [...needs.values()]);
  const indexNos = fresh.map((i) => {
    const r = rows[i];
    if (r.indexNo) return r.indexNo;
    const year = Number(r.publishedOn.slice(0, 4));
    const key = `${r.agencyId}:${year}`;
    const serial = next.get(key)!;
    next.set(key, serial + 1);
    return formatIndexNo(agencies.get(r.agencyId)!.code, year, serial);
  });
  const pubs = await insertPublications(
    trx,
    fresh.map((i, k) => ({
      site_id: siteId,
      agency_id: rows[i].agencyId,
      index_no: indexNos[k],
      status: 'published',
      status_changed_at: at(rows[i].publishedOn),
      first_published_at: at(rows[i].publishedOn),
      created_by: userId,
      source_key: rows[i].sourceKey,
    })),
  );
  const pubOf = new Map(pubs.map((p) => [p.source_key, p.id]));
  const values: BulkEdition[] = fresh.map((i) => {
    const r = rows[i];
    const body = bodyOf(r.body);
    return {
      publication_id: pubOf.get(r.sourceKey)!,
      number: 1,
      state: 'published' as const,
      title: r.title,
      doc_no: r.docNo,
      written_on: r.writtenOn,
      published_at: at(r.publishedOn),
      theme_category: r.themeCategory,
      genre: r.genre,
      keywords: r.keywords,
      summary: [r.summary, r.agencyText ? `发布机构：${r.agencyText}` : ''].filter(Boolean).join('\n'),
      validity: r.validity,
      body_html: body.html,
      body_text: body.text,
      created_by: userId,
    };
  });
  const editions = await insertEditions(trx, values);
  const editionOf = new Map(editions.map((e) => [e.publication_id, e.id]));
  const editionIds = fresh.map((i) => editionOf.get(pubOf.get(rows[i].sourceKey)!)!);
  await insertEditionLinks(
    trx,
    fresh.map((i, k) => ({ editionId: editionIds[k], agencyId: rows[i].agencyId, columnId: rows[i].columnId })),
  );
  const changes = await noteChange(
    trx,
    siteId,
    values.map((v) => `p:${v.publication_id}`),
  );
  // the documents as search indexes them, so that the index need not read them back
  const indexed = values.map((v, k) => {
    const r = rows[fresh[k]];
    const doc = publicationDoc(
      { ...v, id: v.publication_id, site_id: siteId, agency_id: r.agencyId, index_no: indexNos[k] },
      [agencies.get(r.agencyId)!],
      [r.columnId],
      [],
    );
    return { ...changes[k], doc };
  });
  for (const i of fresh) out[i] = { imported: pubOf.get(rows[i].sourceKey)! };
  return { outcomes: out, indexed };
}

/** After a bulk load: the planner's statistics of the catalogue's tables, brought up to date. */
export const refreshCatalogStatistics = (ctx: Ctx) => analyzeCatalog(ctx.db);
