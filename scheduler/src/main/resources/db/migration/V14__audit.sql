-- Every call that changes state (admin states, evacuation plans, campaign steps and the
-- orchestrator's reports, tokens made), who made it, what it named and how it ended. Written
-- right after the call by AuditInterceptor; read newest first by GET /api/v1/audit, whose cursor
-- is an id; deleted after migplan.retention.audit by the retention job.
create table audit_record (
    id bigserial primary key,
    at timestamptz not null,
    subject text not null,
    roles text not null,
    operation text not null,
    target text not null,
    result text not null,
    message text
);
-- The retention job deletes the oldest first.
create index audit_record_at_idx on audit_record (at);
