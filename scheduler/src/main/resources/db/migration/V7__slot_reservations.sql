-- A target slot (one instance of a device type on one parent) claimed for a migration before
-- it starts, so two migrations can never take the last instance of a type. Claims take a row
-- lock on the slot's device_type row, which orders concurrent claimers on any connection and
-- any scheduler replica; an unused claim expires.
create table slot_reservation (
    id         bigint generated always as identity primary key,
    host       text        not null references host (id) on delete cascade,
    parent     text        not null,
    type_id    text        not null,
    holder     text        not null,
    claimed_at timestamptz not null,
    expires_at timestamptz not null,
    released   boolean     not null default false,
    check (expires_at > claimed_at)
);
-- Counting a slot's live claims is the hot query of every claim.
create index slot_reservation_slot_idx on slot_reservation (host, parent, type_id) where not released;
-- One live claim per holder and slot: a retried claim finds the one it already has.
create unique index slot_reservation_holder_idx on slot_reservation (holder, host, parent, type_id) where not released;
