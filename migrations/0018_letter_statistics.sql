-- 来信办理情况统计, kept per month of receipt (Asia/Shanghai): a letter's every step recounts its own month from the
-- letters, so the statistics page reads twelve months of these rows instead of a year of letters.
create table letter_month_counts (
  site_id int not null references sites(id),
  month text not null,
  -- true: per handling agency (ref null: not yet assigned); false: per mailbox
  by_agency boolean not null,
  ref int,
  received int not null,
  answered int not null,
  on_time int not null,
  answer_days int not null,
  rated int not null,
  satisfied int not null,
  basic int not null,
  closed int not null
);
create index letter_month_counts_site on letter_month_counts (site_id, month);

insert into letter_month_counts
select site_id, to_char(submitted_at at time zone 'Asia/Shanghai', 'YYYY-MM'), by_agency, ref,
  count(*) filter (where closed_kind is null),
  count(*) filter (where replied_on is not null),
  count(*) filter (where replied_on is not null and replied_on <= due_on),
  coalesce(sum(replied_on - (submitted_at at time zone 'Asia/Shanghai')::date) filter (where replied_on is not null), 0),
  count(rating),
  count(*) filter (where rating = 'satisfied'),
  count(*) filter (where rating = 'basic'),
  count(*) filter (where closed_kind is not null)
from (select letters.*, b.by_agency, case when b.by_agency then agency_id else mailbox_id end as ref
      from letters cross join (values (true), (false)) as b(by_agency)) l
group by 1, 2, 3, 4;

-- 来信选登 by mailbox (and kind): the newest first without reading every published letter of the site
create index letters_public_mailbox on letters (mailbox_id, kind, published_at desc) where published_at is not null;
