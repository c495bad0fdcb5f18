-- 年度报告: one report per agency and year. Its figures are computed from the records while it is a draft; the
-- tables as submitted for publication are kept in `snapshot`, so a published report never changes afterwards.
create table annual_reports (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  year int not null check (year between 2019 and 2100),
  overview text not null default '',
  problems text not null default '',
  other_matters text not null default '',
  -- Table 二's entries by staff: { "<cell>": { "value": number | null, "note": text } }
  manual jsonb not null default '{}',
  snapshot jsonb,
  publication_id int references publications(id),
  submitted_at timestamptz,
  submitted_by int references users(id),
  updated_at timestamptz not null default now(),
  updated_by int references users(id),
  unique (agency_id, year)
);
create index annual_reports_site_year on annual_reports (site_id, year);

-- the report's queries: cases by receipt date per agency
create index requests_agency_received on requests (agency_id, received_on);
create index request_appeals_filed on request_appeals (filed_on);
