-- A campaign is a rolling upgrade (UPGRADE, every campaign before this version) or an evacuation
-- (EVACUATION): its hosts are emptied onto hosts outside its scope and left in MAINTENANCE, with
-- no upgrade. Both are planned, reserved and driven by the same machinery and the same loop.
alter table campaign
    add column kind   text not null default 'UPGRADE' check (kind in ('UPGRADE', 'EVACUATION')),
    -- Why the operator asked for it (an evacuation's maintenance reason); empty when none was given.
    add column reason text not null default '';
create index campaign_kind_idx on campaign (kind);
