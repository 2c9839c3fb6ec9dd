-- Plans are kept: an operator reviews a plan before anything runs, and a restarted scheduler
-- still shows it. A plan that was being solved when the scheduler stopped is marked FAILED at
-- the next start (nothing runs unseen).
create table plan (
    id             text        primary key,
    kind           text        not null check (kind in ('EVACUATION')),
    status         text        not null check (status in ('SOLVING', 'READY', 'INFEASIBLE', 'FAILED', 'CANCELLED')),
    request        jsonb       not null,
    result         jsonb,
    best_score     text        not null default '',
    elapsed_millis bigint      not null default 0,
    error          text        not null default '',
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
create index plan_created_idx on plan (created_at);
