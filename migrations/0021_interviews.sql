-- 在线访谈: an interview announced with its guests, residents' questions (moderated), and during the interview a live
-- stream of the host's and guests' posts; afterwards its transcript, summary and video stay as its page. The posts
-- are numbered per interview under a lock on it, so every instance follows the stream by its number (seq).
create table interviews (
  id serial primary key,
  site_id int not null references sites(id),
  agency_id int not null references agencies(id),
  title text not null,
  intro text not null default '',
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- [{name, title, photo: file hash or null}]
  guests jsonb not null default '[]',
  video_url text not null default '',
  summary text not null default '',
  published_at timestamptz,
  live_at timestamptz,
  ended_at timestamptz,
  withdrawn_reason text not null default '',
  created_by int references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index interviews_site on interviews (site_id, starts_at desc) where published_at is not null;
create index interviews_agency on interviews (agency_id, updated_at desc);

create table interview_questions (
  id serial primary key,
  interview_id int not null references interviews(id),
  content text not null,
  name text not null default '',
  state text not null default 'pending' check (state in ('pending', 'shown', 'hidden')),
  hidden_reason text not null default '',
  submitted_at timestamptz not null default now(),
  moderated_by int references users(id),
  moderated_at timestamptz
);
create index interview_questions_of on interview_questions (interview_id, state, id);

create table interview_posts (
  id serial primary key,
  interview_id int not null references interviews(id),
  seq int not null,
  role text not null check (role in ('host', 'guest', 'resident')),
  speaker text not null,
  content text not null,
  -- a picture with the post (a file hash)
  image text references files(hash),
  question_id int references interview_questions(id),
  posted_by int references users(id),
  posted_at timestamptz not null default now(),
  unique (interview_id, seq)
);
