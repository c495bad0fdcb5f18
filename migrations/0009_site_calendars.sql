-- The working-day calendar: national entries (the State Council's schedule, kept by the platform admin) and a site's
-- own local entries (kept by its office, for its own cases only). A site's entry for a day overrides the national one.
alter table calendar_days drop constraint calendar_days_pkey;
alter table calendar_days add column id serial primary key;
alter table calendar_days add column site_id int references sites(id);
create unique index calendar_days_national on calendar_days (day) where site_id is null;
create unique index calendar_days_local on calendar_days (site_id, day) where site_id is not null;
