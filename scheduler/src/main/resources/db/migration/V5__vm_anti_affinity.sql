-- VMs of one anti-affinity group never share a host (from the domain's metadata, via the agent).
alter table vm add column anti_affinity_group text not null default '';
create index vm_anti_affinity_idx on vm (anti_affinity_group) where anti_affinity_group <> '';
