import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/core/db.types.ts';

/** Rows of the statistics as they are kept, in one order. */
export async function keptLetterCounts(db: Kysely<DB>) {
  const r = await sql`select * from letter_month_counts order by site_id, month, by_agency, ref nulls first`.execute(
    db,
  );
  return r.rows;
}

/** The same rows counted afresh from every letter (as migration 0018 first filled them). */
export async function freshLetterCounts(db: Kysely<DB>) {
  const r = await sql`
    select site_id, to_char(submitted_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, by_agency, ref,
      count(*) filter (where closed_kind is null)::int as received,
      count(*) filter (where replied_on is not null)::int as answered,
      count(*) filter (where replied_on is not null and replied_on <= due_on)::int as on_time,
      coalesce(sum(replied_on - (submitted_at at time zone 'Asia/Shanghai')::date) filter (where replied_on is not null), 0)::int as answer_days,
      count(rating)::int as rated,
      count(*) filter (where rating = 'satisfied')::int as satisfied,
      count(*) filter (where rating = 'basic')::int as basic,
      count(*) filter (where closed_kind is not null)::int as closed
    from (select letters.*, b.by_agency, case when b.by_agency then agency_id else mailbox_id end as ref
          from letters cross join (values (true), (false)) as b(by_agency)) l
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4 nulls first`.execute(db);
  return r.rows;
}
