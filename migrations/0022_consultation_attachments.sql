-- 意见征集: the files published with a draft (the draft as issued, its 起草说明, tables), attached while it is a draft.
create table consultation_attachments (
  id serial primary key,
  consultation_id int not null references consultations(id),
  file_hash text not null references files(hash),
  filename text not null,
  mime text not null,
  size bigint not null,
  created_at timestamptz not null default now()
);
create index consultation_attachments_of on consultation_attachments (consultation_id, id);
