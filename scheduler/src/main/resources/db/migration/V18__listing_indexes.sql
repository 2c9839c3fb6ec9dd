-- The lists of the REST API are read a page at a time after a key (keyset pagination): each sort
-- key below has an index in its order, so a page costs the rows it holds whatever its place in
-- the list, and the filters of the lists have an index where a table scan would read the fleet.

-- GET /vms: by name, then host (unique: a host runs one VM of a name). It serves lookups by name
-- as the index on name alone did.
create index vm_name_host_idx on vm (name, host);
drop index vm_name_idx;

-- GET /hosts?release=: the hosts of one release in id order. A heartbeat changes no indexed
-- column, so it stays a HOT update (V13).
create index host_release_idx on host (release, id);
-- GET /hosts?label=k=v: containment of the pairs asked for.
create index host_labels_idx on host using gin (labels jsonb_path_ops);
-- GET /hosts?board= and GET /vms?board=: the hosts with a parent of a board.
create index parent_device_board_idx on parent_device (board, host);

-- GET /campaigns: newest first, then id.
create index campaign_created_idx on campaign (created_at desc, id);

-- GET /campaigns/{id}/migrations: the full view's order, batch, wave, VM, plan version, then id.
create index campaign_migration_order_idx on campaign_migration (campaign_id, batch, wave, vm, vm_uuid,
    plan_version, id);
