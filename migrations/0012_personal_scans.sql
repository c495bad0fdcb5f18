-- The office's scan of everything already published for personal data (身份证号, 手机号码, 银行卡号): one scan a site,
-- run in batches by a background job from where it stopped, and what it found. A finding keeps the kinds and counts
-- and the masked values, never the numbers themselves.
create table personal_scans (
  site_id int primary key references sites(id) on delete cascade,
  requested_by int references users(id),
  requested_at timestamptz not null default now(),
  -- editions are scanned in id order; the last one scanned
  after_edition_id int not null default 0,
  scanned int not null default 0,
  finished_at timestamptz
);

create table personal_findings (
  id bigserial primary key,
  site_id int not null references sites(id) on delete cascade,
  publication_id int not null references publications(id) on delete cascade,
  edition_id int not null references editions(id) on delete cascade,
  summary text not null,
  places text[] not null,
  found_at timestamptz not null default now()
);
create index personal_findings_site on personal_findings (site_id, publication_id);
