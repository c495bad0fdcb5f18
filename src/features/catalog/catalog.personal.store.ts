import type { Insertable, Kysely } from 'kysely';
import type { DB, PersonalFindingsTable } from '../../core/db.types.ts';

type Q = Kysely<DB>;

/** Starts (or starts again) a site's scan of what it has published: from the first edition, nothing found yet. */
export async function startScan(q: Q, siteId: number, userId: number | null) {
  await q.deleteFrom('personal_findings').where('site_id', '=', siteId).execute();
  await q
    .insertInto('personal_scans')
    .values({ site_id: siteId, requested_by: userId })
    .onConflict((oc) =>
      oc.column('site_id').doUpdateSet({
        requested_by: userId,
        requested_at: new Date(),
        after_edition_id: 0,
        scanned: 0,
        finished_at: null,
      }),
    )
    .execute();
}

export const scanOf = (q: Q, siteId: number) =>
  q.selectFrom('personal_scans').selectAll().where('site_id', '=', siteId).executeTakeFirst();

/** A scan still running that no other instance is working on now (locked until the caller's transaction ends). */
export const claimScan = (q: Q) =>
  q
    .selectFrom('personal_scans')
    .selectAll()
    .where('finished_at', 'is', null)
    .orderBy('requested_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();

/**
 * The site's published (or withdrawn) editions after this one, in id order, with what the public reads of them: the
 * title always; summary, body and attachments' text when the edition is disclosed in full.
 */
export async function publishedTextAfter(q: Q, siteId: number, afterEditionId: number, limit: number) {
  const editions = await q
    .selectFrom('editions')
    .innerJoin('publications', 'publications.id', 'editions.publication_id')
    .select([
      'editions.id',
      'editions.publication_id',
      'editions.title',
      'editions.summary',
      'editions.body_html',
      'editions.body_text',
      'editions.disclosure_mode',
    ])
    .where('publications.site_id', '=', siteId)
    .where('editions.state', 'in', ['published', 'withdrawn'])
    .where('editions.id', '>', afterEditionId)
    .orderBy('editions.id')
    .limit(limit)
    .execute();
  const full = editions.filter((e) => e.disclosure_mode === 'active').map((e) => e.id);
  const attachments = full.length
    ? await q
        .selectFrom('attachments')
        .select(['edition_id', 'filename', 'text_content'])
        .where('edition_id', 'in', full)
        .orderBy('position')
        .execute()
    : [];
  return { editions, attachments };
}

export async function recordFindings(q: Q, rows: Insertable<PersonalFindingsTable>[]) {
  if (rows.length) await q.insertInto('personal_findings').values(rows).execute();
}

export async function advanceScan(q: Q, siteId: number, afterEditionId: number, scanned: number, finished: boolean) {
  await q
    .updateTable('personal_scans')
    .set((eb) => ({
      after_edition_id: afterEditionId,
      scanned: eb('scanned', '+', scanned),
      ...(finished ? { finished_at: new Date() } : {}),
    }))
    .where('site_id', '=', siteId)
    .execute();
}

/** What a site's scan found, newest publication first, with each item's title and agency. */
export function siteFindings(q: Q, siteId: number, limit: number) {
  return q
    .selectFrom('personal_findings')
    .innerJoin('editions', 'editions.id', 'personal_findings.edition_id')
    .innerJoin('publications', 'publications.id', 'personal_findings.publication_id')
    .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
    .select([
      'personal_findings.publication_id',
      'personal_findings.edition_id',
      'personal_findings.summary',
      'personal_findings.places',
      'editions.title',
      'editions.published_at',
      'editions.state',
      'agencies.name as agency_name',
    ])
    .where('personal_findings.site_id', '=', siteId)
    .orderBy('editions.published_at', 'desc')
    .limit(limit)
    .execute();
}

export async function countFindings(q: Q, siteId: number): Promise<number> {
  const r = await q
    .selectFrom('personal_findings')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('site_id', '=', siteId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
