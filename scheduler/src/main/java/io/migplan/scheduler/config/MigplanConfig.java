package io.migplan.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.migplan.capacity.ComputeAllocation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The scheduler's own settings ({@code migplan.*}), every one with its default. Quarkus validates
 * them at start, so a zero or negative duration stops the boot with a message naming the key.
 * The timers' periods ({@link SchedulerPeriod}) are read by {@code @Scheduled(every = "${key}")}
 * as well, which finds the defaults declared here. It does not hold the datasource settings:
 * those are Quarkus's own keys, chosen by {@link io.migplan.scheduler.SchedulerMain} before boot.
 */
@ConfigMapping(prefix = "migplan")
public interface MigplanConfig {

    /**
     * Which PostgreSQL ({@link DatabaseMode}); {@link io.migplan.scheduler.SchedulerMain} reads it
     * before boot and refuses to start without a database URL unless it says {@code embedded}.
     */
    @WithDefault("external")
    DatabaseMode db();

    Heartbeat heartbeat();

    Probe probe();

    EmbeddedDb embeddedDb();

    Matrix matrix();

    Placement placement();

    Allocation allocation();

    Campaign campaign();

    Snapshot snapshot();

    Planning planning();

    Retention retention();

    Tokens tokens();

    Events events();

    Audit audit();

    Tls tls();

    /** Rotation of the scheduler's TLS certificate, key and CA ({@code identity.CertificateRotation}). */
    interface Tls {
        /**
         * How often the files behind {@code quarkus.tls.key-store.*} and {@code quarkus.tls.trust-store.*}
         * are looked at, as a Quarkus scheduler period ("10s", or "off"). They are re-read, checked
         * and served only when one changed; a look that finds nothing changed costs a few stat calls.
         */
        @WithDefault("10s")
        @SchedulerPeriod
        String checkEvery();

        /**
         * Which TLS implementation the HTTPS port (REST and gRPC) handshakes with: {@code openssl}
         * (BoringSSL, bundled for Linux x86-64 and aarch64; the JDK's where it does not load, with a
         * WARN saying why) or {@code jdk}. Certificates, keys and the checks of who may call are
         * the same either way.
         */
        @WithDefault("openssl")
        TlsEngineChoice engine();
    }

    /** The TLS implementation of the HTTPS port ({@link Tls#engine()}). */
    enum TlsEngineChoice {
        OPENSSL,
        JDK
    }

    /**
     * How many calls refused for their token or role (401, 403) the audit records one by one
     * ({@code audit.RefusedCalls}); the rest of a minute leave one summary record, so refusals add
     * at most {@code refusals-per-minute} + 1 records a minute, whatever comes in.
     */
    interface Audit {
        /** Per source address and minute: a misconfigured client or a probe shows with its address; a flood barely does. */
        @WithDefault("5")
        @Min(1)
        int refusalsPerSource();

        /** All sources together per minute. 60: at most about 88,000 records a day, kept as long as any. */
        @WithDefault("60")
        @Min(1)
        int refusalsPerMinute();

        /** Source addresses told apart per minute, bounding the memory a flood from many takes; further ones share a count. */
        @WithDefault("1000")
        @Min(1)
        @Max(100_000)
        int refusalSources();
    }

    Metrics metrics();

    /** The series at {@code /q/metrics} (docs/operator-guide.md#metrics). */
    interface Metrics {
        /**
         * How often the gauges counted in PostgreSQL (reservations held, migrations in flight, leases)
         * are read again, as a Quarkus scheduler period; a scrape reads the last values from memory.
         */
        @WithDefault("15s")
        @SchedulerPeriod
        String refreshEvery();

        /**
         * Whether {@code /q/metrics} needs a token with the viewer role. Off by default: Prometheus
         * scrapers usually carry no token, and no series names a VM (host ids, states and kinds only).
         */
        @WithDefault("false")
        boolean requireViewer();
    }

    /** The tokens the scheduler signs itself ({@code auth.LocalTokens}); OIDC tokens are Quarkus's {@code quarkus.oidc.*}. */
    interface Tokens {
        /**
         * Where the signing key is kept ({@code token-signing-key.pem}, made on first start, readable
         * by its owner only). {@code token create} reads the same folder, so run it with the same
         * configuration and user. Relative paths are from the working directory.
         */
        @WithDefault(".data/keys")
        @NotBlank
        String keyDir();

        /**
         * The longest a token may be made for; a longer ttl is refused. 30 days: a token cannot be
         * revoked before it expires (short of a new key), so a leaked one must not last long.
         */
        @WithDefault("30d")
        @DurationMin(seconds = 1)
        Duration maxTtl();
    }

    interface Planning {
        /**
         * Plans solved at once. Solving is CPU-bound and single-threaded per plan: 2 is one per
         * core of the 2-core machines the scheduler runs on; a third would only slow the others
         * (and the reports and queries sharing those cores).
         */
        @WithDefault("2")
        @Min(1)
        int maxConcurrent();

        /**
         * After start, read the stored verdicts into the matrix's cache and plan made-up
         * evacuations ({@code PlannerWarmUp}, through the solver manager of small plans) in the
         * background, so the first real plan waits for neither nor for the JIT compiling the
         * planner: a few seconds of one core. Off in the tests, which start many schedulers.
         */
        @WithDefault("true")
        boolean warmUp();

        /**
         * Rounds of the warm-up planned on the fleet as it is held, after the made-up ones: each
         * empties a few hosts (one per device type) through the real filters, stored verdicts and
         * solver, and throws the plan away. More rounds let the JIT finish compiling what a plan
         * of this fleet runs, at the cost of a longer start before readiness: at 1,000 hosts 20
         * rounds instead of 3 took the first plan after a start from 210–284 to 144–157 ms for
         * about 1.3 s more before readiness (docs/benchmarks.md).
         */
        @WithDefault("20")
        @Min(0)
        int warmUpFleetRounds();

        /**
         * Plans waiting for a solver beyond those. A request past both is refused (HTTP 429 with
         * Retry-After, gRPC RESOURCE_EXHAUSTED) and nothing of it is stored. 16: at the default
         * 30 s time limit and 2 solving, the last one waiting starts within 4 minutes even if
         * every plan before it runs to its limit (most stop within seconds, docs/benchmarks.md);
         * a caller past that is better told at once than left waiting.
         */
        @WithDefault("16")
        @Min(0)
        int maxQueued();

        /**
         * How long a refused caller is asked to wait before trying again (HTTP Retry-After, in
         * whole seconds rounded up; gRPC RetryInfo). 5 s: about what a plan of a few hosts takes.
         */
        @WithDefault("5s")
        @DurationMin(seconds = 1)
        Duration retryAfter();

        /**
         * The longest a campaign's plan may be solved ({@code policy.timeLimitSeconds} of a
         * campaign request, which defaults to it; more is refused with 400). 600 s: the
         * evacuation request's own ceiling; a 1,000-host dry run takes 23–45 s here
         * (docs/benchmarks.md), a 5,000-host one a few minutes.
         */
        @WithDefault("600s")
        @DurationMin(seconds = 1)
        Duration maxTimeLimit();
    }

    /**
     * How long finished work is kept before {@code RetentionJob} deletes it. A dry run of 1,000
     * hosts stores about 19,000 rows, so dry runs go first. Nothing is ever deleted by a read.
     */
    interface Retention {
        /** DRY_RUN campaigns (with their hosts, migrations and history), counted from their creation. */
        @WithDefault("7d")
        @DurationMin(millis = 1)
        Duration dryRuns();

        /**
         * COMPLETED, ABORTED and FAILED campaigns, counted from their last change (when they
         * ended). 90 d: a quarter's upgrades stay readable for a review.
         */
        @WithDefault("90d")
        @DurationMin(millis = 1)
        Duration finishedCampaigns();

        /** Evacuation plans no longer being solved (READY, INFEASIBLE, FAILED, CANCELLED), from their last change. */
        @WithDefault("7d")
        @DurationMin(millis = 1)
        Duration plans();

        /** Audit records ({@code GET /api/v1/audit}), counted from when the call was made. 400 d: a year and a review after it. */
        @WithDefault("400d")
        @DurationMin(millis = 1)
        Duration audit();

        /** How often the pruning runs, as a Quarkus scheduler period ("1h", or "off"). */
        @WithDefault("1h")
        @SchedulerPeriod
        String pruneEvery();
    }

    interface Campaign {
        /**
         * How often running campaigns are advanced between the orchestrator's calls (settling
         * reports, re-planning, starting batches), as a Quarkus scheduler period ("2s", or "off").
         */
        @WithDefault("2s")
        @SchedulerPeriod
        String tickEvery();

        /**
         * Deadline for the fresh scan a host's agent is asked for before the host is handed out
         * for upgrade (reading sysfs and libvirt's state again); past it the host is not proven
         * empty and the next step asks again.
         */
        @WithDefault("10s")
        @DurationMin(millis = 1)
        Duration rescanTimeout();

        /**
         * How long a migration reported done may go without its target's report showing the VM
         * before the campaign asks both agents where the VM is (and settles it as done or failed
         * from their answer); also how long it waits before asking again when their answer
         * settled nothing.
         */
        @WithDefault("2m")
        @DurationMin(seconds = 1)
        Duration settleTimeout();
    }

    /**
     * Followers of a campaign's events ({@code GET /api/v1/campaigns/{id}/events}, gRPC
     * {@code WatchCampaign}): how many at once, how much one read takes, how often an idle stream
     * is re-read and kept alive.
     */
    interface Events {
        /**
         * Streams open at once, over both APIs; one more is refused (429 / RESOURCE_EXHAUSTED,
         * {@code EVENTS_BUSY}). Each open stream holds a connection and, while it reads, a worker
         * thread and a database connection for one short query: 100 leaves the default pools
         * (200 workers, 20 connections) to the rest of the scheduler.
         */
        @WithDefault("100")
        @Min(1)
        @Max(10000)
        int maxFollowers();

        /** Events read from PostgreSQL per query; a follower far behind catches up page by page. */
        @WithDefault("200")
        @Min(1)
        @Max(10000)
        int pageSize();

        /**
         * How often an idle follower reads again without being woken. This scheduler wakes its
         * followers right after it commits an event; the timer catches what another replica
         * committed (several replicas share one PostgreSQL, and no signal crosses between them).
         */
        @WithDefault("3s")
        @DurationMin(millis = 10)
        Duration recheckEvery();

        /**
         * How long a stream may stay silent before a keep-alive is sent (an SSE comment line),
         * so proxies and load balancers do not cut it as idle; many cut at 30 to 60 s.
         */
        @WithDefault("15s")
        @DurationMin(millis = 10)
        Duration heartbeatEvery();

        /** What a refused follower is told to wait before trying again (Retry-After). */
        @WithDefault("5s")
        @DurationMin(seconds = 1)
        Duration retryAfter();
    }

    interface Snapshot {
        /**
         * How often the in-memory cluster snapshot is compared with PostgreSQL, which catches
         * other replicas' writes, as a Quarkus scheduler period ("5s", or "off").
         */
        @WithDefault("5s")
        @SchedulerPeriod
        String reconcileEvery();
    }

    interface Placement {
        /**
         * Allow targets on an older release than the source. Off by default: a backward move is
         * offered only where policy allows it and the target's probe still says compatible.
         */
        @WithDefault("false")
        boolean allowBackward();
    }

    /**
     * Central CPU and memory overcommit and reservations per host label, over what each agent
     * reports (see {@code inventory.AllocationPolicy} for the precedence). In properties:
     * <pre>
     * migplan.allocation.rules[0].label=gpu-board=T4
     * migplan.allocation.rules[0].cpu-ratio=4.0
     * migplan.allocation.rules[0].reserved-memory-mib=16384
     * </pre>
     */
    interface Allocation {
        /** In order: for each value, the first rule whose label the host carries and that sets it wins. */
        Optional<List<@Valid Rule>> rules();

        interface Rule {
            /** A host label as key=value, e.g. {@code gpu-board=T4}; the host must carry exactly it. */
            @Pattern(regexp = "[^=\\s][^=]*=.*", message = "must be a host label as key=value, e.g. gpu-board=T4")
            String label();

            /** vCPUs per CPU, Nova's {@code cpu_allocation_ratio}. */
            Optional<@DecimalMin(ComputeAllocation.MIN_RATIO_TEXT) @DecimalMax(ComputeAllocation.MAX_RATIO_TEXT) Double>
                    cpuRatio();

            /** Memory per MiB, Nova's {@code ram_allocation_ratio}. */
            Optional<@DecimalMin(ComputeAllocation.MIN_RATIO_TEXT) @DecimalMax(ComputeAllocation.MAX_RATIO_TEXT) Double>
                    memoryRatio();

            /** CPUs kept for the host, Nova's {@code reserved_host_cpus}; at most the host's CPUs in effect. */
            Optional<@Min(0) @Max(65_536) Integer> reservedCpus();

            /** MiB kept for the host, Nova's {@code reserved_host_memory_mb}. */
            Optional<@Min(0) @Max(1L << 30) Long> reservedMemoryMib();
        }
    }

    interface Matrix {
        /**
         * Ask agents in the background whenever a report changes a host, so queries find
         * verdicts already stored. Off, verdicts are only asked (and stored) by queries.
         */
        @WithDefault("true")
        boolean refreshOnReport();

        /** Questions per ProbeCompatibility call: one host's full cross product can be thousands. */
        @WithDefault("1000")
        @Min(1)
        int batchSize();
    }

    interface Heartbeat {
        /** No heartbeat (or report) for this long: the host is STALE. 3 missed 10 s agent beats. */
        @WithDefault("30s")
        @DurationMin(millis = 1)
        Duration staleAfter();

        /** No heartbeat for this long: the host is DOWN. Must be longer than stale-after. */
        @WithDefault("120s")
        @DurationMin(millis = 1)
        Duration downAfter();

        /**
         * How often the sweeper looks at heartbeat ages, as a Quarkus scheduler period
         * ("5s", or "off" to disable). 5 s keeps a state at most 5 s late against a 30 s rule.
         */
        @WithDefault("5s")
        @SchedulerPeriod
        String sweepEvery();
    }

    interface Probe {
        /** Deadline for one host's batch of compatibility probes; past it the verdict is UNKNOWN. */
        @WithDefault("2s")
        @DurationMin(millis = 1)
        Duration timeout();
    }

    interface EmbeddedDb {
        /** Where the embedded PostgreSQL keeps its data ({@code migplan.db=embedded}). */
        @WithDefault(".data/pg")
        @NotBlank
        String dir();
    }
}
