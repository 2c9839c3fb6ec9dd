-- A campaign may also run backwards (ROLLBACK): from the new release back to the old one, its hosts
-- emptied onto hosts at the old release whose agents answered COMPATIBLE for each VM's state, then
-- downgraded. Same rows and loop as a rolling upgrade; only the kind tells it apart after a restart.
alter table campaign drop constraint campaign_kind_check;
alter table campaign add constraint campaign_kind_check check (kind in ('UPGRADE', 'EVACUATION', 'ROLLBACK'));
