-- Contract v1 additions: SR-IOV grouping, parents without mdev (vGPU 17+), the vendor's
-- capacity model per parent, and parsed and raw type attributes.
alter table parent_device
    add column physical_function text  not null default '',
    add column kind              text  not null default 'MDEV',
    -- The agent's Capacity message in protobuf's JSON form: rule, group, lock, pools, demands.
    add column capacity          jsonb not null default '{}'::jsonb;

alter table device_type
    add column attributes jsonb not null default '{}'::jsonb,
    add column raw        jsonb not null default '{}'::jsonb;
