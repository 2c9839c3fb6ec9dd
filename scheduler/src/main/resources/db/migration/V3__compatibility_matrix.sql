-- The compatibility matrix: what a target host's agent answered to "would device type T on
-- parent P accept state with signature S?", with the host generation it was asked at. A
-- verdict is used only while its host still holds that generation (a newer report may
-- mean a new driver, new types or new signatures), so stale rows are never read.
create table compatibility_verdict (
    target_host       text        not null references host (id) on delete cascade,
    target_parent     text        not null,
    target_type_id    text        not null,
    source_signature  text        not null,
    target_generation bigint      not null,
    verdict           text        not null check (verdict in ('COMPATIBLE', 'INCOMPATIBLE', 'UNKNOWN')),
    code              text        not null default '',
    message           text        not null default '',
    backend           text        not null default '',
    asked_at          timestamptz not null,
    primary key (target_host, target_parent, target_type_id, source_signature)
);
-- "Which targets accept signature S" is the question plans ask.
create index compatibility_verdict_signature_idx on compatibility_verdict (source_signature, target_type_id);
