package io.migplan.scheduler.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged scheduler ({@code quarkus-run.jar}) run as an OS process of its own, so a test can
 * kill it the hard way and start it again on the same port and database. It knows how to start,
 * wait for readiness and kill; it decides nothing about what the scheduler is asked.
 */
public final class SchedulerProcess {

    /**
     * The packaged jar boots in ~2.5 s on an idle machine of ours; 2 cores shared with other
     * builds have taken over 60 s, so the cap is generous.
     */
    private static final Duration READY_WITHIN = Duration.ofMinutes(3);
    /** The same cap bin/demo gives it: the default (a quarter of RAM) is far more than a test fleet needs. */
    private static final String HEAP = "-Xmx512m";
    /** C1 only: a short-lived test process gains nothing from C2 and its boot spends less CPU compiling. */
    private static final String JIT = "-XX:TieredStopAtLevel=1";

    private final Path jar;
    private final String heap;
    private final int port;
    private final Map<String, String> properties;
    private final Process process;
    private final Path log;

    private SchedulerProcess(Path jar, String heap, int port, Map<String, String> properties, Process process,
            Path log) {
        this.jar = jar;
        this.heap = heap;
        this.port = port;
        this.properties = properties;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar jar} serving HTTP and gRPC on 127.0.0.1:{@code port}, with
     * {@code properties} as {@code -D} options (e.g. the datasource), its output in {@code log},
     * its working directory beside the log (so no {@code config/} of the caller's is read), and
     * returns once {@code /q/health/ready} answers 200.
     */
    public static SchedulerProcess start(Path jar, int port, Map<String, String> properties, Path log) {
        return start(jar, HEAP, port, properties, log);
    }

    /** The same with another heap limit, e.g. {@code -Xmx256m}. */
    public static SchedulerProcess start(Path jar, String heap, int port, Map<String, String> properties, Path log) {
        ProcessBuilder pb = builder(jar, heap, port, properties, log);
        try {
            SchedulerProcess started = new SchedulerProcess(jar, heap, port, Map.copyOf(properties), pb.start(),
                    log);
            started.awaitReady();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("the scheduler process did not start: " + pb.command(), e);
        }
    }

    /**
     * Runs {@code java -jar jar} as {@link #start} does, for a start that is meant to fail: waits up
     * to {@code within} for it to exit and returns its exit status (its output is in {@code log}).
     */
    public static int runUntilExit(Path jar, Map<String, String> properties, Path log, Duration within) {
        ProcessBuilder pb = builder(jar, HEAP, freePort(), properties, log);
        try {
            Process process = pb.start();
            if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the scheduler still ran after " + within + "; its log:\n" + tail(log));
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("the scheduler process did not start: " + pb.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the scheduler to exit", e);
        }
    }

    private static ProcessBuilder builder(Path jar, String heap, int port, Map<String, String> properties, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged scheduler at " + jar.toAbsolutePath()
                    + "; run the package phase first (./mvnw -B verify does)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.add(JIT);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (!properties.containsKey(KEY_DIR)) {
            command.add("-D" + KEY_DIR + "=" + keyDir(log, port));
        }
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(log.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The datasource is given as -D options; the caller's DB_* would only confuse a reader of the
        // log, and a start meant to have no database URL must not inherit one.
        pb.environment().keySet().removeAll(List.of("DB_URL", "DB_USER", "DB_PASSWORD",
                "QUARKUS_DATASOURCE_JDBC_URL", "MIGPLAN_DB"));
        return pb;
    }

    /**
     * The packaged scheduler an integration test runs (failsafe's {@code migplan.it.scheduler-jar},
     * else this module's package) with a heap of {@code heap}, on a free port, with {@code
     * datasource} and the planner's start-up warm-up off (no test here is about it, and it would
     * only hold readiness back), its log {@code logName} in failsafe's {@code migplan.it.work-dir};
     * RestAssured is pointed at it with an admin token of its key (reset it when done, as {@link
     * Teardown} callers do).
     */
    public static SchedulerProcess startForIntegrationTest(String heap, Map<String, String> datasource,
            String logName) {
        Path jar = Path.of(System.getProperty("migplan.it.scheduler-jar", "target/quarkus-app/quarkus-run.jar"));
        Path logs = Path.of(System.getProperty("migplan.it.work-dir", "target/it"));
        Map<String, String> properties = new HashMap<>(datasource);
        properties.put("migplan.planning.warm-up", "false");
        SchedulerProcess started = start(jar, heap, freePort(), properties, logs.resolve(logName));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = started.port();
        TestTokens.useForRestAssured(started.adminToken());
        return started;
    }

    /** {@link #startForIntegrationTest(String, Map, String)} with the heap {@code bin/demo} gives. */
    public static SchedulerProcess startForIntegrationTest(Map<String, String> datasource, String logName) {
        return startForIntegrationTest(HEAP, datasource, logName);
    }

    /** The same jar, port and properties again, appending to the same log. */
    public SchedulerProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("the scheduler process " + process.pid() + " still runs");
        }
        return start(jar, heap, port, properties, log);
    }

    /**
     * A port free now on loopback, which the scheduler binds a moment later and again after a
     * restart: drawn below the kernel's ephemeral range, so no outgoing connection of another
     * process (a fleet of simulated agents opens thousands) can take it in between.
     */
    public static int freePort() {
        int below = ephemeralLow();
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 50 && below > 11_000; attempt++) {
            int port = 10_000 + random.nextInt(below - 10_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // taken: draw again
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
    private static int ephemeralLow() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static final String KEY_DIR = "migplan.tokens.key-dir";

    /** The process's token signing key folder, beside its log: the same across a restart. */
    private static Path keyDir(Path log, int port) {
        return log.toAbsolutePath().getParent().resolve("keys-" + port);
    }

    /** An admin token of this process's key, for RestAssured ({@code TestTokens.useForRestAssured}) or gRPC. */
    public String adminToken() {
        return TestTokens.of(properties.containsKey(KEY_DIR) ? Path.of(properties.get(KEY_DIR)) : keyDir(log, port),
                io.migplan.scheduler.auth.Roles.ADMIN);
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /**
     * SIGKILL (what {@link Process#destroyForcibly()} sends on Linux): no shutdown hook, no
     * graceful close of connections or transactions. Returns once the OS no longer lists the pid.
     */
    public void kill() {
        long pid = process.pid();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the scheduler process " + pid + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing the scheduler", e);
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AssertionError("the scheduler process " + pid + " is still alive after SIGKILL");
        }
    }

    /** {@link #kill} unless it has exited already. */
    public void killIfAlive() {
        if (process.isAlive()) {
            kill();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status: 137 (128 + 9) after a SIGKILL. */
    public int exitValue() {
        return process.exitValue();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            await("the scheduler on port " + port + " ready").atMost(READY_WITHIN).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the scheduler exited with " + process.exitValue()
                                    + " before it was ready; its log:\n" + tail());
                        }
                        try {
                            HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                            last.set(r.statusCode() + " " + r.body());
                            return r.statusCode() == 200;
                        } catch (ConnectException e) {
                            last.set("connection refused");
                        } catch (IOException e) {
                            last.set(e.toString());
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("the scheduler on port " + port + " was not ready within " + READY_WITHIN
                    + " (last answer: " + last.get() + "); its log:\n" + tail(), e);
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        return tail(log);
    }

    /** The last lines of a log, for failure messages. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }
}
