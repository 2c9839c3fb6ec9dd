-- Every agent's heartbeat rewrites last_heartbeat_at of its host (thousands of rows every 10 s).
-- An index on that column gave each beat a new index entry; without it PostgreSQL updates the
-- row on its own page (a HOT update), and the fill factor leaves room on the page for that. The
-- sweep finds silent hosts by scanning the table: a few thousand rows every few seconds.
drop index host_last_heartbeat_idx;
alter table host set (fillfactor = 70);

-- A stamp taken from one sequence whenever a host row appears or its generation, liveness
-- state or admin state changes (a heartbeat changes none of them). No two rows ever get the same
-- stamp, so any such change anywhere in the fleet, by this scheduler or another replica, adds a
-- stamp never seen before or removes one: the count of hosts, the sum of their stamps' hashes or
-- the sequence's last value change with it, and the snapshot's reconcile reads every host only then.
create sequence host_pulse_seq;
alter table host add column pulse bigint not null default 0;

create function host_pulse_stamp() returns trigger language plpgsql as $$
begin
    new.pulse := nextval('host_pulse_seq');
    return new;
end
$$;

create trigger host_pulse_on_insert before insert on host
    for each row execute function host_pulse_stamp();

create trigger host_pulse_on_change before update of generation, state, admin_state, admin_reason on host
    for each row
    when (old.generation is distinct from new.generation or old.state is distinct from new.state
        or old.admin_state is distinct from new.admin_state or old.admin_reason is distinct from new.admin_reason)
    execute function host_pulse_stamp();
