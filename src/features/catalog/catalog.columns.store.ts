import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { ColumnsTable, DB } from '../../core/db.types.ts';

type Q = Kysely<DB>;

/** A column and the columns above it, nearest first, with their sites. */
export async function columnAncestry(q: Q, columnId: number) {
  const r = await sql<{ id: number; site_id: number }>`
    with recursive up as (select id, parent_id, site_id from columns where id = ${columnId}
      union all select t.id, t.parent_id, t.site_id from columns t join up on t.id = up.parent_id)
    select id, site_id from up`.execute(q);
  return r.rows;
}

export function columnWithSlug(q: Q, siteId: number, slug: string) {
  return q.selectFrom('columns').select('id').where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
}

export async function insertColumn(q: Q, values: Insertable<ColumnsTable>): Promise<number> {
  return (await q.insertInto('columns').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function columnOfSite(q: Q, siteId: number, columnId: number) {
  return q
    .selectFrom('columns')
    .selectAll()
    .where('id', '=', columnId)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
}

export async function updateColumn(q: Q, columnId: number, set: Updateable<ColumnsTable>): Promise<void> {
  await q.updateTable('columns').set(set).where('id', '=', columnId).execute();
}
