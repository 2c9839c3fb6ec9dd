package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.TestTokens;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scheduler started from its packaged jar as a process of its own, as the benchmarks that time
 * the product end to end use it: on a PostgreSQL database of its own, with a heap of {@code xmx},
 * its GC log (unless {@link #withoutGcLog}), log and signing key in {@code dir}, and a token of that
 * key for every call ({@link FleetBench#token}; an admin's unless {@link #tokenRole}). {@link #start}
 * returns once {@code /q/health/ready} answers 200 (the planner's warm-up has ended).
 */
final class SchedulerProcess implements AutoCloseable {

    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final String jar;
    private final String xmx;
    private final List<String> jvmOptions;
    private final Path dir;
    private final HttpClient http;
    private String role = Roles.ADMIN;
    private boolean gcLog = true;
    private Process process;

    /**
     * @param jvmOptions more options for the scheduler's JVM (space-separated, may be empty), e.g. to profile it
     */
    SchedulerProcess(String jar, String xmx, String jvmOptions, Path dir, HttpClient http) throws IOException {
        this.jar = jar;
        this.xmx = xmx;
        this.jvmOptions = jvmOptions == null || jvmOptions.isBlank() ? List.of() : List.of(jvmOptions.trim().split(" +"));
        this.dir = Files.createDirectories(dir);
        this.http = http;
    }

    /** Calls carry a token of {@code role} instead of an admin's: what the benchmark's client may do. */
    SchedulerProcess tokenRole(String role) {
        this.role = role;
        return this;
    }

    /** Starts it without a GC log, for benchmarks that read no heap figures ({@link #heapPeakMib} needs it). */
    SchedulerProcess withoutGcLog() {
        this.gcLog = false;
        return this;
    }

    /** Drops and creates {@code db} on the local PostgreSQL (user postgres). */
    static void recreate(String db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + db + " with (force)");
            s.execute("create database " + db);
        }
    }

    Path gcLog() {
        return dir.resolve("scheduler-gc.log");
    }

    /** Starts it on {@code db} and {@code port}; returns the seconds it took to be ready. */
    double start(String db, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx));
        if (gcLog) {
            command.add("-Xlog:gc:file=" + gcLog() + "::filecount=0");
        }
        command.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.log.level=WARN"));
        command.addAll(jvmOptions);
        // Its own signing key beside its log, and a token of it for every call.
        Path keys = dir.resolve("keys");
        command.add("-Dmigplan.tokens.key-dir=" + keys.toAbsolutePath());
        FleetBench.token = TestTokens.of(keys, role);
        command.addAll(List.of("-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + db);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("scheduler.log").toFile()));
        long t0 = System.nanoTime();
        process = pb.start();
        String base = "http://127.0.0.1:" + port;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the scheduler exited with " + process.exitValue() + "; see "
                        + dir.resolve("scheduler.log"));
            }
            try {
                if (send(http, "GET", base + "/q/health/ready", null).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Stops it (SIGTERM, then waits up to a minute). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    long pid() {
        return process.pid();
    }

    /** CPU time of the whole process so far (user + system, every thread), in milliseconds. */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command's closing parenthesis: state is field 3, utime 14 and stime 15 of the whole line.
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
    }

    /**
     * CPU time so far per kind of thread, in milliseconds: {@code planning} (campaign-planning
     * threads), {@code jit} (C1 and C2 compilers), {@code gc} (the collector's threads) and {@code
     * other} (requests, heartbeats, the database pool, JFR…), so that a request's cost can be split
     * into the planner's and what the JVM and the rest of the scheduler spend meanwhile. Threads that
     * ended are not counted (a pool's idle threads do): take "other" as the total less the rest.
     */
    Map<String, Long> cpuMillisByKind() throws IOException {
        Map<String, Long> out = new TreeMap<>(Map.of("planning", 0L, "jit", 0L, "gc", 0L, "other", 0L));
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(process.pid()),
                "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long millis = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
                out.merge(kind(name), millis, Long::sum);
            }
        }
        return out;
    }

    /** The kind of a thread by the name the kernel shows (15 characters at most). */
    static String kind(String thread) {
        if (thread.startsWith("campaign-planni")) {
            return "planning";
        }
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.startsWith("VM Thread")) {
            return "gc";
        }
        return "other";
    }

    /** The kernel's clock ticks per second, as {@code getconf CLK_TCK} says on Linux. */
    private static final long CLOCK_TICKS = 100;

    /** Resets its peak RSS (VmHWM), so the next reading is the peak since now. */
    void clearPeakRss() throws IOException {
        Files.writeString(Path.of("/proc", String.valueOf(process.pid()), "clear_refs"), "5");
    }

    long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** Bytes of the GC log so far: where {@link #heapPeakMib} starts reading. */
    long gcLogSize() throws IOException {
        return Files.exists(gcLog()) ? Files.size(gcLog()) : 0;
    }

    /** The largest heap before a collection logged since byte {@code from} of the GC log. */
    long heapPeakMib(long from) throws IOException {
        String text = Files.readString(gcLog());
        Matcher m = GC_HEAP.matcher(text.substring((int) Math.min(from, text.length())));
        long peak = 0;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }
}
