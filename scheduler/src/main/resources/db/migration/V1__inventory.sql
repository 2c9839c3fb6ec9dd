-- Inventory as reported by the host agents. A report replaces every row of its host, so
-- every table below hangs off host(id) with ON DELETE CASCADE and carries the host id.

create table host (
    id                text        primary key,
    release           text        not null default '',
    cpus              integer     not null check (cpus >= 0),
    memory_mib        bigint      not null check (memory_mib >= 0),
    failure_domain    text        not null default '',
    labels            jsonb       not null default '{}'::jsonb,
    agent_endpoint    text        not null default '',
    generation        bigint      not null,
    state             text        not null check (state in ('UP', 'STALE', 'DOWN')),
    last_report_at    timestamptz not null,
    last_heartbeat_at timestamptz not null,
    scanned_at        timestamptz
);
-- The sweeper scans by heartbeat age.
create index host_last_heartbeat_idx on host (last_heartbeat_at);

create table parent_device (
    id             bigint generated always as identity primary key,
    host           text not null references host (id) on delete cascade,
    address        text not null,
    vendor_id      text not null default '',
    device_id      text not null default '',
    board          text not null default '',
    driver         text not null default '',
    driver_version text not null default '',
    unique (host, address)
);

create table device_type (
    id                  bigint generated always as identity primary key,
    host                text    not null references host (id) on delete cascade,
    parent              text    not null,
    type_id             text    not null,
    name                text    not null default '',
    description         text    not null default '',
    device_api          text    not null default '',
    available_instances integer not null check (available_instances >= 0),
    signature           text    not null default '',
    signature_source    text    not null default 'UNSPECIFIED',
    unique (host, parent, type_id),
    foreign key (host, parent) references parent_device (host, address) on delete cascade
);
-- "Which hosts offer type T" is the first question of every placement.
create index device_type_type_idx on device_type (type_id);

-- An mdev. Its parent or type may be missing from the reported parents (GVT-g hides types
-- that read 0; an unreadable parent becomes a problem), so no foreign key to them.
create table device_instance (
    id      bigint generated always as identity primary key,
    host    text not null references host (id) on delete cascade,
    uuid    text not null,
    type_id text not null,
    parent  text not null,
    -- Unique per host only: during a migration the same mdev UUID can exist on both ends.
    unique (host, uuid)
);
create index device_instance_uuid_idx on device_instance (uuid);

create table vm (
    id         bigint generated always as identity primary key,
    host       text    not null references host (id) on delete cascade,
    name       text    not null,
    uuid       text    not null,
    vcpus      integer not null check (vcpus >= 0),
    memory_mib bigint  not null check (memory_mib >= 0),
    -- Unique per host only: a VM being migrated is listed by both hosts for a moment.
    unique (host, name),
    unique (host, uuid)
);
create index vm_name_idx on vm (name);
create index vm_uuid_idx on vm (uuid);

create table vm_device (
    vm          bigint not null references vm (id) on delete cascade,
    device_uuid text   not null,
    primary key (vm, device_uuid)
);

create table inventory_problem (
    id      bigint generated always as identity primary key,
    host    text not null references host (id) on delete cascade,
    path    text not null,
    message text not null
);
create index inventory_problem_host_idx on inventory_problem (host);
