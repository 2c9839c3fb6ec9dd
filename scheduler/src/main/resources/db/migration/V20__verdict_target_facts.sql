-- What a target host's compatibility verdicts depend on at its stored generation: a digest of the
-- facts compatibility.TargetFacts names ('' when they could not all be read). A report whose
-- digest equals this one carries the host's verdicts to its new generation instead of leaving them
-- stale; written with every report, in its transaction.
create table verdict_target_facts (
    host       text   primary key references host (id) on delete cascade,
    generation bigint not null,
    digest     text   not null default ''
);
