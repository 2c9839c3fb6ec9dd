package io.migplan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.db.TestDatabaseResource;
import io.migplan.scheduler.testsupport.OciImage;
import io.migplan.scheduler.testsupport.SchedulerProcess;
import io.migplan.scheduler.testsupport.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's container image as {@code package} left it (target/scheduler-image.tar, an OCI
 * archive made by Jib without a Docker engine): its index, manifest and configuration say what
 * docs/operator-guide.md and deploy/k8s promise (name, entrypoint, a user other than root, the
 * HTTP port, labels), every blob matches its digest, and, laid out as a container's root file
 * system, it starts: as root on this machine the entrypoint runs in that root (its own C library,
 * its own Java runtime, its own /etc) as the image's user, on a fresh database, until
 * {@code /q/health/ready} answers 200 and a token signed with the key it made answers; otherwise
 * the image's Java runs {@code -version} through the image's own dynamic loader.
 */
class ContainerImageIT {

    static final Path TAR = Path.of(System.getProperty("migplan.it.image-tar", "target/scheduler-image.tar"));
    static final String REF = System.getProperty("migplan.it.image-ref", "migplan/scheduler:0.1.0-SNAPSHOT");
    static final String JAVA = System.getProperty("migplan.it.image-java", "/opt/java/bin/java");
    static final Duration READY_WITHIN = Duration.ofMinutes(3);

    static OciImage image;

    @BeforeAll
    static void readTheArchive() throws IOException {
        assertThat(TAR).as("the image archive package makes").isRegularFile();
        image = OciImage.read(TAR);
    }

    @Test
    void theArchiveIsAnOciLayoutNamingTheImageAsTheManifestsExpect() throws IOException {
        assertThat(image.layoutVersion()).isEqualTo("1.0.0");
        assertThat(image.index().path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(image.manifest().path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(image.referenceName()).isEqualTo(REF);
        assertThat(image.configBlob().path("os").asText()).isEqualTo("linux");
        assertThat(image.configBlob().path("architecture").asText()).isEqualTo("amd64");
    }

    @Test
    void everyLayerMatchesTheDigestsTheConfigAndManifestGive() throws IOException {
        List<String> diffIds = new ArrayList<>();
        image.configBlob().path("rootfs").path("diff_ids").forEach(id -> diffIds.add(id.asText()));

        assertThat(image.layerDiffIds()).isEqualTo(diffIds);
    }

    @Test
    void theEntrypointStartsThePackagedSchedulerWithTheImagesJava() {
        JsonNode config = image.config();
        List<String> entrypoint = strings(config.path("Entrypoint"));

        assertThat(entrypoint.get(0)).isEqualTo(JAVA);
        assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError")
                .endsWith("-jar", "/deployments/quarkus-run.jar");
        assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()
                || config.path("Cmd").isEmpty()).as("no Cmd appended to the entrypoint").isTrue();
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/deployments");
        assertThat(strings(config.path("Env"))).contains("MIGPLAN_TOKENS_KEY_DIR=/var/lib/migplan/keys");
    }

    @Test
    void itRunsAsAUserOtherThanRootAndExposesTheSchedulersHttpPort() throws IOException {
        JsonNode config = image.config();
        String user = config.path("User").asText();

        assertThat(user).matches("[0-9]+(:[0-9]+)?");
        assertThat(Long.parseLong(user.split(":")[0])).as("uid of %s", user).isNotZero();
        assertThat(config.path("ExposedPorts").has(schedulerHttpPort() + "/tcp")).as("%s", config.path("ExposedPorts"))
                .isTrue();
    }

    @Test
    void itCarriesTheOpenContainersLabels() {
        JsonNode labels = image.config().path("Labels");

        assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo("migplan scheduler");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(REF.substring(REF.indexOf(':') + 1));
        assertThat(labels.path("org.opencontainers.image.licenses").asText()).isEqualTo("Apache-2.0");
        assertThat(labels.path("org.opencontainers.image.description").asText()).isNotBlank();
    }

    @Test
    void theImagesUserCanWriteOnlyTmpAndTheKeyFolder() throws IOException {
        // The layers this build adds (the last ones; a base image's come first and are its own).
        int added = 0;
        for (JsonNode step : image.configBlob().path("history")) {
            if (step.path("created_by").asText().startsWith("jib-maven-plugin")) {
                added++;
            }
        }
        List<List<OciImage.Entry>> layers = image.layerEntries();
        assertThat(added).isPositive().isLessThanOrEqualTo(layers.size());
        List<OciImage.Entry> entries = layers.subList(layers.size() - added, layers.size()).stream()
                .flatMap(List::stream).toList();

        assertThat(entries).allSatisfy(e -> {
            assertThat(e.uid()).as("owner of /%s", e.path()).isZero();
            assertThat(e.gid()).as("group of /%s", e.path()).isZero();
        });
        assertThat(entries.stream().filter(e -> !e.symbolicLink() && (e.mode() & 0002) != 0).map(OciImage.Entry::path))
                .as("entries anyone may write").containsOnly("tmp");
        assertThat(entries.stream().filter(e -> !e.symbolicLink() && (e.mode() & 0020) != 0).map(OciImage.Entry::path))
                .as("entries group 0 may write").containsOnly("tmp", "var/lib/migplan");
        assertThat(entries.stream().filter(e -> e.path().equals("deployments/quarkus-run.jar"))).hasSize(1);
    }

    @Test
    void theImageStartsTheSchedulerOnADatabase(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        image.extract(root);
        assertThat(root.resolve(JAVA.substring(1))).isExecutable();

        if (!canEnterRoot()) {
            // Not root here, so no new mount and PID namespace: run the image's own loader, C
            // library and Java, without the image's /etc, and only as far as -version.
            assertThat(javaVersionThroughTheImagesLoader(root)).contains("OpenJDK");
            return;
        }
        Files.createDirectories(root.resolve("proc"));
        TestDatabaseResource database = new TestDatabaseResource();
        Map<String, String> datasource = database.start();
        int port = SchedulerProcess.freePort();
        Path log = dir.resolve("scheduler.log");
        Process scheduler = startInImage(root, datasource, port, log);
        try {
            awaitReady(scheduler, port, log);
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // The key the scheduler made in the image's key folder (MIGPLAN_TOKENS_KEY_DIR) signs a token it takes.
            Path keys = root.resolve("var/lib/migplan/keys");
            HttpResponse<String> hosts = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/hosts"))
                    .header("Authorization", "Bearer " + TestTokens.of(keys, Roles.VIEWER)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hosts.statusCode()).as(hosts.body()).isEqualTo(200);
        } finally {
            stop(scheduler);
            database.stop();
        }
    }

    /**
     * The entrypoint in a mount and PID namespace of its own, {@code root} as its root, /proc
     * mounted, the image's working folder, user and group, and only the image's environment plus
     * what a Deployment gives it (DB_URL, DB_USER, DB_PASSWORD) and a port and heap for this test.
     * {@link #stop} ends it.
     */
    private static Process startInImage(Path root, Map<String, String> datasource, int port, Path log)
            throws IOException {
        JsonNode config = image.config();
        String[] user = config.path("User").asText().split(":");
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "--mount-proc=/proc", "--root=" + root, "--wd=" + config.path("WorkingDir").asText(),
                "--setuid=" + user[0], "--setgid=" + (user.length > 1 ? user[1] : user[0])));
        command.addAll(strings(config.path("Entrypoint")));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String kv : strings(config.path("Env"))) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        env.put("DB_URL", datasource.get("quarkus.datasource.jdbc.url"));
        env.put("DB_USER", datasource.get("quarkus.datasource.username"));
        env.put("DB_PASSWORD", datasource.get("quarkus.datasource.password"));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("MIGPLAN_PLANNING_WARM_UP", "false");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:TieredStopAtLevel=1");
        return pb.start();
    }

    /**
     * Ends the scheduler in the image, then unshare: the JVM first, since unshare's --kill-child
     * does not reach a child that changed its user (the kernel clears the parent-death signal).
     */
    private static void stop(Process unshare) throws InterruptedException {
        for (ProcessHandle jvm : unshare.descendants().toList()) {
            jvm.destroy();
            try {
                jvm.onExit().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                jvm.destroyForcibly();
            }
        }
        unshare.destroy();
        if (!unshare.waitFor(30, TimeUnit.SECONDS)) {
            unshare.destroyForcibly().waitFor();
        }
    }

    private static void awaitReady(Process scheduler, int port, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        AtomicReference<String> last = new AtomicReference<>("no answer");
        await("the scheduler started from the image ready").atMost(READY_WITHIN).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (!scheduler.isAlive()) {
                        throw new AssertionError("the scheduler in the image exited with " + scheduler.exitValue()
                                + " before it was ready; its log:\n" + SchedulerProcess.tail(log));
                    }
                    try {
                        HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                        last.set(r.statusCode() + " " + r.body());
                        return r.statusCode() == 200;
                    } catch (IOException e) {
                        last.set(e.toString());
                        return false;
                    }
                });
    }

    /** Whether this test may enter a root of its own: root, with util-linux's unshare (2.38+: --setuid). */
    private static boolean canEnterRoot() throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            Process help = new ProcessBuilder("unshare", "--help").redirectErrorStream(true).start();
            String text = new String(help.getInputStream().readAllBytes());
            return help.waitFor() == 0 && text.contains("--setuid") && text.contains("--root");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code <root>/lib64/ld-linux-x86-64.so.2 --library-path <the image's libc folder> <root><java> -version}. */
    private static String javaVersionThroughTheImagesLoader(Path root) throws IOException, InterruptedException {
        Path loader = root.resolve("lib64/ld-linux-x86-64.so.2");
        Path libc;
        try (Stream<Path> files = Files.walk(root.resolve("lib"))) {
            libc = files.filter(p -> p.getFileName().toString().equals("libc.so.6")).findFirst().orElseThrow();
        }
        Process p = new ProcessBuilder(loader.toString(), "--library-path", libc.getParent().toString(),
                root.resolve(JAVA.substring(1)).toString(), "-version").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** quarkus.http.port of the scheduler's application.properties. */
    static int schedulerHttpPort() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
