-- How a libvirt client reaches each host's hypervisor, as its agent reports it (libvirtUri in the
-- agent config; default qemu+tls://<host id>/system): what a libvirt executor connects to. Null
-- for a host whose agent has not reported one (agents older than the field). The bound repeats
-- the report validation's (SnapshotValidator), so a row written around it still cannot hold nonsense.
alter table host
    add column libvirt_uri text check (char_length(libvirt_uri) between 1 and 256);
