-- Rolling-upgrade campaigns. Every decision the orchestrator acts on lives here, so a
-- restarted scheduler (or another replica) resumes exactly where the last one stopped: the
-- campaign row is locked while a step is taken, a migration is ISSUED in the same
-- transaction that claims its slots, and the history says why the plan changed.
create table campaign (
    id            text        primary key,
    state         text        not null check (state in ('DRY_RUN', 'RUNNING', 'PAUSED', 'ABORTED', 'COMPLETED')),
    from_release  text        not null,
    to_release    text        not null,
    request       jsonb       not null,
    -- The latest plan's unmovable VMs, held and blocked hosts, and metrics (the batches are rows).
    plan          jsonb       not null,
    -- Why the remaining work must be planned again; cleared when it has been.
    replan_reason text,
    plan_version  integer     not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index campaign_state_idx on campaign (state);

create table campaign_host (
    campaign_id text    not null references campaign (id) on delete cascade,
    host        text    not null,
    -- Null while the host is in no batch of the current plan (held back, blocked, or waiting).
    batch       integer,
    canary      boolean not null default false,
    state       text    not null check (state in ('PENDING', 'DRAINING', 'READY_TO_UPGRADE', 'UPGRADING',
                                                  'PROBING', 'DONE', 'HELD_BACK', 'BLOCKED', 'WAITING')),
    note        text    not null default '',
    primary key (campaign_id, host)
);

create table campaign_migration (
    id           text        primary key,
    campaign_id  text        not null references campaign (id) on delete cascade,
    plan_version integer     not null,
    batch        integer     not null,
    wave         integer     not null,
    vm           text        not null,
    from_host    text        not null,
    to_host      text        not null,
    parents      jsonb       not null,
    types        jsonb       not null,
    state        text        not null check (state in ('PLANNED', 'ISSUED', 'DONE', 'FAILED', 'CANCELLED')),
    -- What the plan relied on for the target's compatibility: PROBED, LEARNED, ASSUMED, or
    -- NOT_NEEDED for a VM without devices.
    basis        text        not null check (basis in ('PROBED', 'LEARNED', 'ASSUMED', 'NOT_NEEDED')),
    reservations jsonb       not null default '[]'::jsonb,
    -- DONE and seen on its target in a report (its slots released), or FAILED/CANCELLED.
    settled      boolean     not null default false,
    error        text        not null default '',
    issued_at    timestamptz,
    finished_at  timestamptz
);
create index campaign_migration_campaign_idx on campaign_migration (campaign_id, state);
-- A VM is moved by at most one migration at a time: never issued twice.
create unique index campaign_migration_one_in_flight on campaign_migration (campaign_id, vm) where state = 'ISSUED';

create table campaign_event (
    id          bigint generated always as identity primary key,
    campaign_id text        not null references campaign (id) on delete cascade,
    at          timestamptz not null,
    kind        text        not null,
    message     text        not null
);
create index campaign_event_campaign_idx on campaign_event (campaign_id, id);
