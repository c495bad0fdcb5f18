-- 常见问题 (the knowledge base): questions and answers per agency and topic, kept by staff, public once published,
-- found through the one search index and offered on the letter form.
create table faqs (
  id serial primary key,
  site_id int not null references sites(id),
  -- the agency that answers for it; null: the site's own (the office)
  agency_id int references agencies(id),
  topic text not null default '',
  question text not null,
  answer text not null,
  -- the letter whose reply it was made from, if any
  letter_id int references letters(id),
  published_at timestamptz,
  created_by int references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index faqs_public on faqs (site_id, published_at desc) where published_at is not null;
create index faqs_site on faqs (site_id, updated_at desc);
create index faqs_agency on faqs (agency_id, updated_at desc);

-- the reply as published beside a letter: the office checks it like the letter's text (a reply may name the writer)
alter table letters add column public_reply text not null default '';
update letters set public_reply = reply where published_at is not null;
