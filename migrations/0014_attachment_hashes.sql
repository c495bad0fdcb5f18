-- A body's pictures are addressed by the hash of their file (an attachment of the edition), so that they stay the
-- same picture in every edition: the picture's page looks an attachment up by its hash.
create index attachments_file_hash on attachments (file_hash);
