package io.migplan.cli.commands;

import io.migplan.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migplan what-if --fleet FILE evacuate HOST…} and {@code … campaign --from R1 --to R2 …}:
 * plans on an exported fleet (docs/fleet-format.md) without a scheduler, a database or agents.
 * The planning is the scheduler's own: this runs the packaged scheduler's {@code plan} command
 * ({@code java -jar quarkus-run.jar plan --fleet FILE …}, which plans before Quarkus would boot)
 * as a process of its own and passes its JSON (the API's PlanView, or a dry-run CampaignView) and
 * its refusals through. Run as a process rather than linked in, so the command line stays small
 * (no solver, no Quarkus) and plans with exactly the scheduler it is given, whatever its version.
 */
@Command(name = "what-if", mixinStandardHelpOptions = true,
        description = "Plan offline on an exported fleet file: evacuate HOST… | campaign --from R1 --to R2 […]"
                + " (the options of the scheduler's POST /api/v1/plans/evacuation and dry-run campaigns).")
public final class WhatIfCommand implements Callable<Integer> {

    /** Where deploy/systemd/migplan-scheduler.service installs the scheduler. */
    static final Path DEPLOYED_JAR = Path.of("/opt/migplan/scheduler/quarkus-run.jar");
    /** The repository's build output, from its root. */
    static final Path BUILT_JAR = Path.of("scheduler/target/quarkus-app/quarkus-run.jar");
    /** The scheduler process's exit status for a refused file, request or option. */
    static final int SCHEDULER_REFUSED = 2;
    /**
     * How the planning process's JVM runs, besides its heap (docs/benchmarks.md, "Offline planning"):
     * a plan is one process of a few seconds that holds the whole fleet, so the JVM is set for that.
     */
    public static final List<String> JVM_OPTIONS = List.of(
            // A heap that holds the fleet, collected in parallel: SerialGC spent ~5 s per reading.
            "-XX:+UseParallelGC",
            // Loading the planner's classes crosses the default first threshold (~21 MB), and each
            // crossing is a full collection of the heap (2.2 s of a plan in a profile). Not C1
            // only (-XX:TieredStopAtLevel=1), which halves a plan's CPU: an evacuation's local search
            // stops after a time without improvement, so slower code plans differently.
            "-XX:MetaspaceSize=256m");

    @Option(names = "--fleet", required = true, paramLabel = "FILE",
            description = "The fleet file (GET /api/v1/inventory/export).")
    Path fleet;

    @Option(names = "--scheduler-jar", paramLabel = "JAR", defaultValue = "${env:MIGPLAN_SCHEDULER_JAR}",
            description = "The packaged scheduler (env MIGPLAN_SCHEDULER_JAR; default"
                    + " /opt/migplan/scheduler/quarkus-run.jar, else scheduler/target/quarkus-app/quarkus-run.jar).")
    Path schedulerJar;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "2g",
            description = "The planning process's largest heap (java -Xmx; default ${DEFAULT-VALUE}: a 1,000-host"
                    + " fleet plans in less).")
    String heap;

    @Option(names = "--pretty", description = "Indent the JSON.")
    boolean pretty;

    @Option(names = "--no-cache", description = "Read the file itself, neither using nor writing the cache the"
            + " scheduler keeps beside it (FILE.plan-cache) for a repeated plan of the same file.")
    boolean noCache;

    @CommandLine.Unmatched
    List<String> plan = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (plan.isEmpty() || !List.of("evacuate", "campaign").contains(plan.get(0))) {
            err.println("give what to plan after the options: evacuate HOST… or campaign --from R1 --to R2");
            return ExitCode.USAGE.code();
        }
        if (!heap.matches("[1-9][0-9]{0,5}[mMgG]")) {
            err.println("--heap must be a size such as 512m or 2g, got '" + heap + "'");
            return ExitCode.USAGE.code();
        }
        Path jar = jar(schedulerJar);
        if (jar == null) {
            err.println(schedulerJar != null ? "--scheduler-jar " + schedulerJar + " is not a file"
                    : "no packaged scheduler found at " + DEPLOYED_JAR + " or " + BUILT_JAR.toAbsolutePath()
                            + "; give --scheduler-jar (or MIGPLAN_SCHEDULER_JAR)");
            return ExitCode.USAGE.code();
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-Xms" + heap));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", jar.toString(), "plan", "--fleet", fleet.toString()));
        if (pretty) {
            command.add("--pretty");
        }
        if (noCache) {
            command.add("--no-cache");
        }
        command.addAll(plan);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            err.println("the scheduler could not be run (" + String.join(" ", command) + "): " + e.getMessage());
            return ExitCode.UNAVAILABLE.code();
        }
        try {
            process.getOutputStream().close(); // it reads nothing
        } catch (IOException ignored) {
            // a process that ended at once: its status says why
        }
        Thread errors = new Thread(() -> copy(process.getErrorStream(), err), "what-if-stderr");
        errors.setDaemon(true);
        errors.start();
        copy(process.getInputStream(), spec.commandLine().getOut());
        int status = process.waitFor();
        errors.join();
        return status == 0 ? ExitCode.OK.code()
                : status == SCHEDULER_REFUSED ? ExitCode.REFUSED.code() : ExitCode.UNAVAILABLE.code();
    }

    /** The jar given, or the first of the deployed and the built one that exists; null when none is. */
    static Path jar(Path given) {
        if (given != null) {
            return Files.isRegularFile(given) ? given : null;
        }
        for (Path p : List.of(DEPLOYED_JAR, BUILT_JAR)) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** The java running this command, so the scheduler runs on the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Copies the process's text as it comes, so a large plan is never held whole. */
    private static void copy(InputStream in, PrintWriter out) {
        char[] buf = new char[8192];
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            for (int n; (n = r.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            out.println("(the scheduler's output could not be read: " + e.getMessage() + ")");
        }
        out.flush();
    }
}
