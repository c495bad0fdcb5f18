-- 网上调查: a questionnaire open for a period; one answer per person without an account (a signed cookie, and a limit
-- per network address — both stated on the page); results as charts once the staff publish them; answers exported.
create table surveys (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  title text not null,
  intro text not null default '',
  opens_on date not null,
  closes_on date not null,
  published_at timestamptz,
  results_published_at timestamptz,
  withdrawn_reason text not null default '',
  created_by int references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (closes_on >= opens_on)
);
create index surveys_site on surveys (site_id, opens_on desc) where published_at is not null;
create index surveys_agency on surveys (agency_id, updated_at desc);

create table survey_questions (
  id serial primary key,
  survey_id int not null references surveys(id),
  position int not null,
  kind text not null check (kind in ('single', 'multiple', 'text', 'rating', 'matrix')),
  prompt text not null,
  required boolean not null default true,
  -- the choices (single, multiple; a matrix's columns), in order
  options jsonb not null default '[]',
  -- a matrix's rows, in order
  rows jsonb not null default '[]',
  unique (survey_id, position)
);

create table survey_responses (
  id serial primary key,
  survey_id int not null references surveys(id),
  -- keyed hashes (never the raw values) of the answering browser's cookie and of its network address
  voter text not null,
  address text not null,
  submitted_at timestamptz not null default now(),
  unique (survey_id, voter)
);
create index survey_responses_address on survey_responses (survey_id, address);

-- one row per choice made (a multiple choice: one per option ticked; a matrix: one per row), or the text written
create table survey_answers (
  response_id int not null references survey_responses(id),
  survey_id int not null references surveys(id),
  question_id int not null references survey_questions(id),
  -- a matrix's row (its index in rows)
  row_no smallint,
  -- the option's index, or the rating 1–5
  choice smallint,
  text text
);
create index survey_answers_of on survey_answers (survey_id, question_id, row_no, choice);
create index survey_answers_response on survey_answers (response_id);
