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
 * {@code migplan campaign run <id> --executor simulator|libvirt|command …}: this process
 * becomes the campaign's orchestrator ({@link CampaignDriver}) until the campaign ends, then prints
 * a summary; the exit code says how it ended. Ctrl-C stops asking for work and lets what runs
 * finish.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Drive a RUNNING campaign to its end as its orchestrator: perform the migrations and upgrades"
                + " the scheduler issues through an executor, report each, until the campaign is COMPLETED (or"
                + " otherwise ends). A PAUSED campaign is waited on until resumed.",
                "Migrations issued before this run (after a restart) are not performed again: the scheduler settles"
                        + " them at their deadline from what the agents see. Ctrl-C stops asking for work and lets"
                        + " migrations in flight finish (--grace), then exits."})
public final class CampaignRunCommand extends ApiCommand {

    @Parameters(paramLabel = "ID", description = "The campaign.")
    String id;

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

    @Override
    protected ExitCode call(ApiClient client) {
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
        String orchestrator = name != null ? name.strip() : defaultName();
        if (orchestrator.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--name must not be empty");
        }
        // Read first, so an unknown campaign or a DRY_RUN fails before the executor connects anywhere.
        JsonNode view = client.get(ApiClient.path("/api/v1/campaigns/{}", id)).json();
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
            printSummary(outcome);
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

    private void printSummary(CampaignDriver.Outcome o) {
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
        s.append("campaign ").append(id).append(' ').append(o.state()).append(" after ")
                .append(Units.duration(o.elapsed()));
        switch (o.end()) {
            case STOPPED -> s.append(" (stopped here: the campaign goes on when an orchestrator drives it again)");
            case FAILURE_LIMIT -> s.append(" (stopped here: too many failed migrations)");
            case ERROR -> s.append(" (stopped here: see the error above)");
            default -> {
            }
        }
        s.append('\n');
        JsonNode view = o.view() == null ? null : o.view().json();
        if (view != null && view.path("progress").isObject()) {
            JsonNode p = view.path("progress");
            s.append(String.format(Locale.ROOT,
                    "hosts upgraded: %d/%d; migrations done: %d, failed: %d; migrations per VM: %.2f%n",
                    p.path("hostsDone").asInt(), p.path("hosts").asInt(), p.path("migrationsDone").asInt(),
                    p.path("migrationsFailed").asInt(), p.path("migrationsPerVm").asDouble()));
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
