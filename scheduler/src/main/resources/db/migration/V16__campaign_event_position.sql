-- Campaign events are followed (GET /api/v1/campaigns/{id}/events, gRPC WatchCampaign) and resumed
-- from a position. The identity id cannot be that position: two transactions may commit out of
-- id order, and a follower that had read "after id N" would miss a row committed later with a
-- smaller id. So each event gets a per-campaign position from the campaign's own counter, taken
-- with an update of the campaign's row in the transaction writing the event (CampaignStore.event):
-- the row stays locked until that transaction ends, so positions are handed out in commit order,
-- without gaps, on any replica.
alter table campaign add column last_event_position bigint not null default 0;

-- What a follower needs beside the sentence: the campaign's state once the event was written,
-- and the host, VM, migration and batch it is about (null where it is about none; state is null
-- only on events written before this version).
alter table campaign_event
    add column position       bigint,
    add column state          text,
    add column host           text,
    add column vm             text,
    add column vm_uuid        text,
    add column migration_id   text,
    add column migration_from text,
    add column migration_to   text,
    add column batch          integer;

-- Events written before: numbered in the order they were read until now (by id).
update campaign_event e set position = n.position
from (select id, row_number() over (partition by campaign_id order by id) as position from campaign_event) n
where e.id = n.id;
update campaign c set last_event_position = coalesce(
    (select max(e.position) from campaign_event e where e.campaign_id = c.id), 0);

alter table campaign_event alter column position set not null;
-- Serves both the history (ordered by position) and a follower's "after position" read.
create unique index campaign_event_position_idx on campaign_event (campaign_id, position);
drop index campaign_event_campaign_idx;
