package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import io.migplan.cli.executor.ExecutorFactory;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Units;
import io.migplan.cli.run.CampaignDriver;
import io.migplan.cli.run.CampaignKind;
import io.migplan.cli.run.ProgressLine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the commands that drive a campaign share ({@code migplan campaign run}, {@code migplan host
 * drain}): the executor and the orchestrator's options, and {@link #drive}: this process becomes
 * the campaign's orchestrator ({@link CampaignDriver}) until the campaign ends, then prints a
 * summary; the exit code says how it ended. Ctrl-C stops asking for work and lets what runs finish.
 */
abstract class DrivingCommand extends ApiCommand {

    @Mixin
    ExecutorOptions executor;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
            description = "Migrations and upgrades performed at once by this process (1..256; default ${DEFAULT-VALUE});"
                    + " the campaign's policy limits what the scheduler issues.")
    int parallel;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The orchestrator's name, which holds the campaign's lease (default migplan@<hostname>).")
    String name;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long the lease lasts without a call from this process (10..3600; default ${DEFAULT-VALUE}).")
    int leaseSeconds;

    @Option(names = "--max-failures", paramLabel = "N", defaultValue = "20",
            description = "Stop asking for work once this many migrations failed in this run (0: never; default"
                    + " ${DEFAULT-VALUE}).")
    int maxFailures;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "300",
            description = "After Ctrl-C, how long migrations in flight may take before they are aborted through the"
                    + " executor (default ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Option(names = "--poll",
            description = "Do not follow the campaign's events: with nothing to do, ask again every 0.1 s to 1 s (as"
                    + " with a scheduler that does not stream them).")
    boolean poll;

    /** Checks the options; throws the parameter error naming the one that is wrong. */
    protected void checkOptions() {
        CommandLine cl = spec.commandLine();
        if (parallel < 1 || parallel > 256) {
            throw new CommandLine.ParameterException(cl, "--parallel must be 1..256, got " + parallel);
        }
        if (leaseSeconds < 10 || leaseSeconds > 3600) {
            throw new CommandLine.ParameterException(cl, "--lease must be 10..3600 seconds, got " + leaseSeconds);
        }
        if (maxFailures < 0) {
            throw new CommandLine.ParameterException(cl, "--max-failures must be 0 or more, got " + maxFailures);
        }
        if (graceSeconds < 0) {
            throw new CommandLine.ParameterException(cl, "--grace must be 0 or more seconds, got " + graceSeconds);
        }
        if (name != null && name.strip().isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--name must not be empty");
        }
    }

    /**
     * Drives campaign {@code id} (an upgrade or an evacuation: the loop is the same) to its end as
     * its orchestrator, prints the summary and returns the exit code; the options were checked.
     */
    protected ExitCode drive(ApiClient client, String id) {
        CommandLine cl = spec.commandLine();
        String orchestrator = name != null ? name.strip() : defaultName();
        // Read first, so an unknown campaign or a DRY_RUN fails before the executor connects anywhere.
        // Its state only: the summary, not the full view that lists every migration.
        JsonNode view = client.get(ApiClient.path("/api/v1/campaigns/{}", id) + "?view=summary").json();
        String state = view.path("state").asText();
        if (!state.equals("RUNNING") && !state.equals("PAUSED")) {
            err().println("migplan: campaign " + id + " is " + state + ", not RUNNING: there is nothing to run"
                    + (state.equals("DRY_RUN") ? " (a dry run is a plan only; create it without --dry-run)" : "")
                    + (state.equals("PLANNING") ? " yet (migplan campaign create --wait waits for the plan)" : ""));
            err().flush();
            return state.equals("PLANNING") ? ExitCode.REFUSED : ExitCode.NOT_DONE;
        }
        Executor ex;
        try {
            ex = ExecutorFactory.create(executor.name(), executor.toFactoryOptions(client));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        } catch (ExecutionFailure e) {
            err().println("migplan: " + e.getMessage());
            err().flush();
            return ExitCode.UNAVAILABLE;
        }
        ProgressLine progress = ProgressLine.forConsole(err());
        CampaignDriver driver = new CampaignDriver(client, ex, new CampaignDriver.Settings(id, orchestrator, parallel,
                leaseSeconds, maxFailures, Duration.ofSeconds(graceSeconds), !poll), progress);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onStop = new Thread(() -> {
            progress.event("stopping: no new work is asked for; waiting for migrations in flight");
            driver.stop();
            try {
                finished.await(graceSeconds + 60L, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "migplan-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        progress.event("driving campaign " + id + " as " + orchestrator + " with the " + ex.name() + " executor ("
                + parallel + " at once)");
        CampaignDriver.Outcome outcome;
        try (ex) {
            outcome = driver.run();
            printSummary(id, outcome);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException e) {
                // The JVM is shutting down (Ctrl-C): the hook is running.
            }
        }
        return exitCode(outcome);
    }

    /** How a run's end maps to the exit status. */
    static ExitCode exitCode(CampaignDriver.Outcome o) {
        return switch (o.end()) {
            case ERROR -> ExitCode.of(o.error());
            case STOPPED -> ExitCode.INTERRUPTED;
            case FAILURE_LIMIT -> ExitCode.NOT_DONE;
            case CAMPAIGN_ENDED -> "COMPLETED".equals(o.state()) ? ExitCode.OK : ExitCode.NOT_DONE;
        };
    }

    private void printSummary(String id, CampaignDriver.Outcome o) {
        if (o.error() != null) {
            err().println("migplan: " + o.error().describe());
            err().flush();
        }
        if (format() == Format.json) {
            if (o.view() != null) {
                out().println(o.view().body());
            }
            out().flush();
            return;
        }
        out().print(summary(id, o));
        out().flush();
    }

    /** The end of a run for a person: how it ended, the campaign's figures, and this run's. */
    static String summary(String id, CampaignDriver.Outcome o) {
        StringBuilder s = new StringBuilder();
        JsonNode view = o.view() == null ? null : o.view().json();
        CampaignKind kind = CampaignKind.of(view);
        s.append(kind.noun()).append(' ').append(id).append(' ').append(o.state()).append(" after ")
                .append(Units.duration(o.elapsed()));
        switch (o.end()) {
            case STOPPED -> s.append(" (stopped here: the campaign goes on when an orchestrator drives it again)");
            case FAILURE_LIMIT -> s.append(" (stopped here: too many failed migrations)");
            case ERROR -> s.append(" (stopped here: see the error above)");
            default -> {
            }
        }
        s.append('\n');
        if (view != null && view.path("progress").isObject()) {
            JsonNode p = view.path("progress");
            s.append(String.format(Locale.ROOT,
                    "%s: %d/%d; migrations done: %d, failed: %d; migrations per VM: %.2f%n", kind.hostsDone(),
                    p.path("hostsDone").asInt(), p.path("hosts").asInt(), p.path("migrationsDone").asInt(),
                    p.path("migrationsFailed").asInt(), p.path("migrationsPerVm").asDouble()));
        }
        if (view != null && view.path("metrics").isObject() && view.path("metrics").path("vms").asInt() > 0) {
            s.append(planLine(view.path("metrics")));
        }
        s.append(String.format(Locale.ROOT, "this run: %d migrations performed, %d failed%s; %d upgrades started%s;"
                        + " asked for work %d times (%s)%n",
                o.done(), o.failed(), o.interrupted() > 0 ? ", " + o.interrupted() + " interrupted" : "",
                o.upgradesStarted(), o.upgradesFailed() > 0 ? " (" + o.upgradesFailed() + " failed)" : "",
                o.nextCalls(), o.followed() ? "following the campaign's events" : "polling"));
        if (!o.movesPerVm().isEmpty()) {
            Map<Integer, Integer> vmsByMoves = new TreeMap<>();
            o.movesPerVm().values().forEach(n -> vmsByMoves.merge(n, 1, Integer::sum));
            StringBuilder d = new StringBuilder();
            vmsByMoves.forEach((moves, vms) -> d.append(d.length() == 0 ? "" : ", ").append(vms)
                    .append(vms == 1 ? " VM " : " VMs ").append(moves == 1 ? "once" : moves + " times"));
            s.append("VMs moved by this run: ").append(d).append('\n');
        }
        return s.toString();
    }

    /**
     * The latest plan's figures beside the lower bound and the naive order planned on the same
     * fleet (host by host, release-unaware), per VM in scope, so a person sees how good the plan was.
     */
    static String planLine(JsonNode m) {
        double vms = m.path("vms").asInt();
        JsonNode naive = m.path("naive");
        return String.format(Locale.ROOT, "the plan: %d migrations for %d VMs (%.3f per VM, %d moved twice);"
                        + " lower bound %d (%.3f); naive order %d (%.3f, %d moved twice)%n",
                m.path("migrations").asInt(), m.path("vms").asInt(), m.path("migrationsPerVm").asDouble(),
                m.path("movedTwice").asInt(), m.path("lowerBound").asInt(), m.path("lowerBound").asInt() / vms,
                naive.path("migrations").asInt(), naive.path("migrationsPerVm").asDouble(),
                naive.path("movedTwice").asInt());
    }

    static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return "migplan@" + host;
    }
}
