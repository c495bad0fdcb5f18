-- Values a mail carries that must not stay readable once it is sent (an applicant's query code): sealed with the
-- data key beside the body, which holds a placeholder for each; emptied when the mail has gone.
alter table outbox add column secrets text not null default '';
