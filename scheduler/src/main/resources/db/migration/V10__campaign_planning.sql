-- Campaigns are planned in the background: a campaign is stored PLANNING (plan_version 0, no
-- plan yet) when it is accepted, and becomes DRY_RUN or RUNNING when its first plan is written,
-- or FAILED, with the reason in `failure` and in its history, when planning could not finish.
alter table campaign drop constraint campaign_state_check;
alter table campaign add constraint campaign_state_check
    check (state in ('PLANNING', 'DRY_RUN', 'RUNNING', 'PAUSED', 'ABORTED', 'COMPLETED', 'FAILED'));
alter table campaign add column failure text;

-- Retention prunes finished campaigns and plans by age; these keep its look-ups off full scans.
create index campaign_state_updated_idx on campaign (state, updated_at);
create index plan_finished_idx on plan (updated_at) where status <> 'SOLVING';
