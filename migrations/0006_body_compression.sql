-- Bodies are compressed with lz4 where the server has it (PostgreSQL built with lz4, as Debian's is): it compresses
-- several times faster than the default pglz at about the same size, which a bulk import of long documents feels.
-- The embedded database has no lz4 and keeps pglz.
do $$
begin
  alter table editions alter column body_html set compression lz4, alter column body_text set compression lz4;
  alter table attachments alter column text_content set compression lz4;
exception when feature_not_supported then
  null;
end $$;
