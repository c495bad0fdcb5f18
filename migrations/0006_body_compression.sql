-- Bodies are compressed with lz4 where the server has it (PostgreSQL built with lz4, as Debian's is): it compresses
-- several times faster than the default pglz at about the same size, which a bulk import of long documents feels.
-- The embedded database has no lz4: there bodies are stored uncompressed (about a quarter more space for them), since
-- pglz in WebAssembly took a fifth of the time of writing a document, and of reading its body back.
do $$
begin
  alter table editions alter column body_html set compression lz4, alter column body_text set compression lz4;
  alter table attachments alter column text_content set compression lz4;
exception when feature_not_supported then
  alter table editions alter column body_html set storage external, alter column body_text set storage external;
  alter table attachments alter column text_content set storage external;
end $$;
