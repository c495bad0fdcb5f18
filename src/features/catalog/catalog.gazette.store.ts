import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, GazetteIssuesTable } from '../../core/db.types.ts';

type Q = Kysely<DB>;

/** The site's issue with this year and number, if there is one. */
export function issueNumbered(q: Q, siteId: number, year: number, number: number) {
  return q
    .selectFrom('gazette_issues')
    .select('id')
    .where('site_id', '=', siteId)
    .where('year', '=', year)
    .where('number', '=', number)
    .executeTakeFirst();
}

export async function insertIssue(q: Q, values: Insertable<GazetteIssuesTable>): Promise<number> {
  return (await q.insertInto('gazette_issues').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function lockIssue(q: Q, siteId: number, issueId: number) {
  return q
    .selectFrom('gazette_issues')
    .selectAll()
    .where('id', '=', issueId)
    .where('site_id', '=', siteId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateIssue(q: Q, issueId: number, set: Updateable<GazetteIssuesTable>): Promise<void> {
  await q.updateTable('gazette_issues').set(set).where('id', '=', issueId).execute();
}

/** Replaces an issue's table of contents. */
export async function setEntries(
  q: Q,
  issueId: number,
  entries: { section: string; title: string; publicationId: number | null }[],
): Promise<void> {
  await q.deleteFrom('gazette_entries').where('issue_id', '=', issueId).execute();
  if (entries.length)
    await q
      .insertInto('gazette_entries')
      .values(
        entries.map((e, position) => ({
          issue_id: issueId,
          position,
          section: e.section,
          title: e.title,
          publication_id: e.publicationId,
        })),
      )
      .execute();
}
