-- CPU and memory overcommit and reservations as each host's agent reports them (Nova's
-- cpu_allocation_ratio, ram_allocation_ratio, reserved_host_cpus, reserved_host_memory_mb).
-- A null ratio is one the agent did not send (agents older than these fields, or not
-- configured): the scheduler's central rule for a matching label applies, else 1.0. Existing
-- hosts keep today's behaviour: no ratio, nothing reserved. The bounds repeat the report
-- validation's (SnapshotValidator), so a row written around it still cannot hold nonsense.
alter table host
    add column cpu_allocation_ratio    double precision check (cpu_allocation_ratio between 0.1 and 64),
    add column memory_allocation_ratio double precision check (memory_allocation_ratio between 0.1 and 64),
    add column reserved_cpus           integer not null default 0 check (reserved_cpus >= 0),
    add column reserved_memory_mib     bigint  not null default 0 check (reserved_memory_mib >= 0);
