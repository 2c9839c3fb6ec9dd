-- What operators (and campaigns) decide about a host, apart from what its agent reports:
-- ACTIVE takes VMs; DRAINING is being emptied and takes none; MAINTENANCE is out of service.
-- A report never changes it, so a re-scan cannot undo an operator's drain.
alter table host
    add column admin_state  text not null default 'ACTIVE' check (admin_state in ('ACTIVE', 'DRAINING', 'MAINTENANCE')),
    add column admin_reason text not null default '';
