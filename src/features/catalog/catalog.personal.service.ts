import { type Actor, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import {
  advanceScan,
  claimScan,
  countFindings,
  publishedTextAfter,
  recordFindings,
  scanOf,
  siteFindings,
  startScan,
} from './catalog.personal.store.ts';
import { editionFindings, findingsSummary, PLACE_LABELS } from './catalog.personal.ts';

/** Editions scanned in one transaction, and batches in one run of the job. */
const BATCH = 200;
const BATCHES_PER_RUN = 10;
/** Findings the office's page lists (the count is of all). */
export const FINDINGS_SHOWN = 500;

/** The office starts a scan of everything its site has published, for past leaks of personal data. */
export async function startPersonalScan(ctx: Ctx, actor: Actor, siteId: number): Promise<void> {
  requireSiteAdmin(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    await startScan(trx, siteId, actor.principal?.userId ?? null);
    await audit(trx, actor, { siteId, action: 'personal.scan', entityType: 'site', entityId: siteId });
  });
}

/** The scan's progress and what it found, for the office. */
export async function personalScanReport(ctx: Ctx, actor: Actor, siteId: number) {
  requireSiteAdmin(actor, siteId);
  const [scan, findings, total] = await Promise.all([
    scanOf(ctx.db, siteId),
    siteFindings(ctx.db, siteId, FINDINGS_SHOWN),
    countFindings(ctx.db, siteId),
  ]);
  return { scan, findings, total };
}

/**
 * The background job: carries running scans on from where they stopped, a batch per transaction (so a stop loses at
 * most one batch, done again), on one instance at a time per site. Returns the editions scanned.
 */
export async function scanPublished(ctx: Ctx): Promise<number> {
  let scanned = 0;
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      const scan = await claimScan(trx);
      if (!scan) return -1;
      const { editions, attachments } = await publishedTextAfter(trx, scan.site_id, scan.after_edition_id, BATCH);
      const rows = editions.flatMap((e) => {
        const full = e.disclosure_mode === 'active';
        const found = editionFindings(
          full ? e : { title: e.title, summary: '', body_html: '', body_text: '' },
          attachments.filter((a) => a.edition_id === e.id),
        );
        if (!found.length) return [];
        return [
          {
            site_id: scan.site_id,
            publication_id: e.publication_id,
            edition_id: e.id,
            summary: findingsSummary(found),
            places: found.map((f) => `${f.filename ? `附件 ${f.filename}` : PLACE_LABELS[f.place]}：${f.masked}`),
          },
        ];
      });
      await recordFindings(trx, rows);
      const last = editions.at(-1)?.id ?? scan.after_edition_id;
      await advanceScan(trx, scan.site_id, last, editions.length, editions.length < BATCH);
      return editions.length;
    });
    if (n < 0) break;
    scanned += n;
  }
  return scanned;
}
