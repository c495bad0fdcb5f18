-- The files an agency discloses with its reply: kept beside the applicant's proof of identity, sent with the reply
-- by e-mail and offered on the applicant's status page once the reply has been sent.
alter table request_attachments add column kind text not null default 'proof' check (kind in ('proof', 'reply'));
alter table request_attachments add column added_at timestamptz not null default now();

-- Files a mail carries, from the file store ([{"hash", "filename", "mime"}]), attached when it is delivered.
alter table outbox add column attachments jsonb not null default '[]';
