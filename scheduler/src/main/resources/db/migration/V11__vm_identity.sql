-- A VM's identity is its libvirt domain UUID: libvirt keeps a name unique on one host only, so
-- two hosts may each run a VM called "test". A campaign's migration names its VM by UUID;
-- vm stays as the name shown beside it.
alter table campaign_migration add column vm_uuid text;
-- Rows planned before this version name the VM only: its UUID is that of the VM of that name on
-- the migration's source, else on its target. A VM on neither is gone, and a planned migration
-- of it is re-planned by the runner ("VM ... disappeared"); its name stands in as its identity.
update campaign_migration m set vm_uuid = coalesce(
    (select v.uuid from vm v where v.host = m.from_host and v.name = m.vm order by v.id desc limit 1),
    (select v.uuid from vm v where v.host = m.to_host and v.name = m.vm order by v.id desc limit 1),
    m.vm);
alter table campaign_migration alter column vm_uuid set not null;
-- A VM is moved by at most one migration at a time: never issued twice.
drop index campaign_migration_one_in_flight;
create unique index campaign_migration_one_in_flight on campaign_migration (campaign_id, vm_uuid)
    where state = 'ISSUED';
