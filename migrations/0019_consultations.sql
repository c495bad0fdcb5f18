-- 意见征集 (决策预公开): a draft published for public comment for a stated period (RULES.md §7: at least 30 days unless
-- a reason is given), split into its articles; comments moderated before they show; after it closes, the result —
-- what was adopted and why not — published by a deadline, with a link to the final policy in the catalogue.
create table consultations (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  title text not null,
  -- the draft as written, and what it says it is based on and why (起草说明)
  draft text not null,
  explanation text not null default '',
  opens_on date not null,
  closes_on date not null,
  -- why it is open for less than 30 days, when it is
  short_reason text not null default '',
  -- whether a comment must give a name and a way to reach its writer
  contact_required boolean not null default false,
  published_at timestamptz,
  -- the day the result is due (working days after closing, the site's setting)
  result_due_on date,
  result text not null default '',
  result_published_at timestamptz,
  -- the policy as finally adopted, once it is in the catalogue
  policy_id int references publications(id),
  withdrawn_reason text not null default '',
  created_by int references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (closes_on >= opens_on)
);
create index consultations_site on consultations (site_id, opens_on desc) where published_at is not null;
create index consultations_agency on consultations (agency_id, updated_at desc);

create table consultation_articles (
  id serial primary key,
  consultation_id int not null references consultations(id),
  position int not null,
  -- 第一章 总则 (the chapter the article is in), 第一条
  chapter text not null default '',
  heading text not null,
  body text not null,
  unique (consultation_id, position)
);

create table consultation_comments (
  id serial primary key,
  consultation_id int not null references consultations(id),
  -- null: on the whole draft
  article_id int references consultation_articles(id),
  content text not null,
  name text not null default '',
  contact text not null default '',
  state text not null default 'pending' check (state in ('pending', 'shown', 'hidden')),
  hidden_reason text not null default '',
  -- what became of it, in the result
  adoption text check (adoption in ('adopted', 'partly', 'not_adopted')),
  adoption_reason text not null default '',
  submitted_at timestamptz not null default now(),
  moderated_by int references users(id),
  moderated_at timestamptz
);
create index consultation_comments_of on consultation_comments (consultation_id, state, id);
