-- The orchestration contract: work is issued under a lease, an issued migration has a deadline,
-- and a migration's outcome may be settled from what the agents see.
alter table campaign add column lease_holder text;
alter table campaign add column lease_expires_at timestamptz;

-- When the campaign asks the agents where the VM is if nobody has settled the migration: for an
-- ISSUED migration its policy's migrationTimeout after issue, for a DONE one not yet seen on its
-- target the settle timeout after the report.
alter table campaign_migration add column deadline_at timestamptz;
-- Who the migration was issued to (the lease holder at the time).
alter table campaign_migration add column issued_to text not null default '';
create index campaign_migration_deadline_idx on campaign_migration (campaign_id, deadline_at)
    where not settled and state in ('ISSUED', 'DONE');
