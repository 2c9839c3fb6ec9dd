package io.migplan.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s against the scheduler it deploys: every manifest parses and is of a kind the
 * kustomization means; the image is the one this build makes; the probes ask paths this scheduler
 * serves (asked here, of the test scheduler); the ports are the scheduler's; every Secret key read
 * is one examples/secrets.yaml documents; every environment variable set is one the scheduler
 * reads; every file the ConfigMap names is mounted.
 */
@QuarkusTest
class KubernetesManifestsTest {

    static final Path K8S = Path.of("..", "deploy", "k8s").toAbsolutePath().normalize();
    static final Path MAIN = Path.of("src", "main");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String IMAGE_REF = System.getProperty("packaging.image-ref", "migplan/scheduler:0.1.0-SNAPSHOT");

    static JsonNode kustomization;
    /** Every object of the kustomization's resources, by kind. */
    static Map<String, List<JsonNode>> byKind;
    static JsonNode deployment;
    static JsonNode container;

    @BeforeAll
    static void readTheManifests() throws IOException {
        kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        byKind = new LinkedHashMap<>();
        for (JsonNode resource : kustomization.path("resources")) {
            for (JsonNode object : documents(K8S.resolve(resource.asText()))) {
                byKind.computeIfAbsent(object.path("kind").asText(), k -> new ArrayList<>()).add(object);
            }
        }
        deployment = only("Deployment");
        container = deployment.at("/spec/template/spec/containers/0");
    }

    @Test
    void theKustomizationHoldsTheSchedulersObjectsAndNothingElse() {
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("Namespace", "ConfigMap", "Deployment", "Service");
        assertThat(byKind.values()).allSatisfy(objects -> assertThat(objects).hasSize(1));
        assertThat(only("Namespace").at("/metadata/name").asText()).isEqualTo(kustomization.path("namespace").asText());
        assertThat(deployment.at("/spec/template/spec/containers")).hasSize(1);
    }

    @Test
    void theImageIsTheOneThisBuildMakes() {
        String name = container.path("image").asText();
        JsonNode override = null;
        for (JsonNode image : kustomization.path("images")) {
            if (image.path("name").asText().equals(name)) {
                override = image;
            }
        }
        assertThat(override).as("an images entry for %s", name).isNotNull();
        String effective = override.path("newName").asText(name) + ":" + override.path("newTag").asText();

        assertThat(effective).isEqualTo(IMAGE_REF);
    }

    @Test
    void theProbesAskPathsTheSchedulerServesOnItsHttpPort() {
        Set<String> paths = new TreeSet<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as("%s port", probe).isEqualTo("http");
            paths.add(get.path("path").asText());
        }
        assertThat(paths).containsExactly("/q/health/live", "/q/health/ready");
        for (String path : paths) {
            // No token: the kubelet sends none. 200 when up, 503 when not: never 401 or 404.
            var answer = given().get(path).then().extract();
            assertThat(answer.statusCode()).as("GET %s: %s", path, answer.asString()).isIn(200, 503);
            assertThat(answer.jsonPath().getString("status")).as("GET %s", path).isIn("UP", "DOWN");
        }
    }

    @Test
    void thePortsAreTheSchedulersAndTheServiceSendsToThem() throws IOException {
        Map<String, Integer> containerPorts = new HashMap<>();
        container.path("ports").forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
        Properties defaults = properties(MAIN.resolve("resources/application.properties"));
        Properties site = new Properties();
        site.load(new StringReader(only("ConfigMap").at("/data/application.properties").asText()));

        assertThat(containerPorts).containsEntry("http", Integer.parseInt(defaults.getProperty("quarkus.http.port")))
                .containsEntry("https", Integer.parseInt(site.getProperty("quarkus.http.ssl-port")));
        Map<String, String> servicePorts = new HashMap<>();
        only("Service").at("/spec/ports").forEach(p -> {
            assertThat(containerPorts).containsKey(p.path("targetPort").asText());
            assertThat(p.path("port").asInt()).isEqualTo(containerPorts.get(p.path("targetPort").asText()));
            servicePorts.put(p.path("name").asText(), p.path("targetPort").asText());
        });
        assertThat(servicePorts).containsOnlyKeys("http", "https");
        assertThat(only("Service").at("/spec/selector")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
    }

    @Test
    void everySecretKeyReadIsOneTheDocumentedSecretsHold() throws IOException {
        Map<String, Set<String>> documented = new HashMap<>();
        for (JsonNode secret : documents(K8S.resolve("examples/secrets.yaml"))) {
            assertThat(secret.path("kind").asText()).isEqualTo("Secret");
            Set<String> keys = new TreeSet<>();
            secret.path("stringData").fieldNames().forEachRemaining(keys::add);
            secret.path("data").fieldNames().forEachRemaining(keys::add);
            documented.put(secret.at("/metadata/name").asText(), keys);
        }
        Map<String, Set<String>> read = new TreeMap<>();
        container.path("env").forEach(e -> {
            JsonNode ref = e.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                read.computeIfAbsent(ref.path("name").asText(), k -> new TreeSet<>()).add(ref.path("key").asText());
            }
        });
        deployment.at("/spec/template/spec/volumes").forEach(v -> {
            JsonNode secret = v.path("secret");
            if (!secret.isMissingNode()) {
                assertThat(secret.path("items")).as("volume %s names the keys it reads", v.path("name")).isNotEmpty();
                secret.path("items").forEach(i -> read.computeIfAbsent(secret.path("secretName").asText(),
                        k -> new TreeSet<>()).add(i.path("key").asText()));
            }
        });

        assertThat(read).containsOnlyKeys("migplan-db", "migplan-scheduler-tls", "migplan-token-key");
        read.forEach((secret, keys) -> assertThat(documented.get(secret)).as("keys of Secret %s", secret)
                .containsAll(keys));
        // cert-manager's Certificate writes the TLS Secret: tls.crt, tls.key and ca.crt.
        JsonNode certificate = documents(K8S.resolve("examples/certificate.yaml")).get(0);
        assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("migplan-scheduler-tls");
        assertThat(read.get("migplan-scheduler-tls")).containsExactlyInAnyOrder("tls.crt", "tls.key", "ca.crt");
    }

    @Test
    void everyEnvironmentVariableSetIsOneTheSchedulerReads() throws IOException {
        Set<String> reads = environmentTheSchedulerReads();
        Set<String> set = new LinkedHashSet<>();
        container.path("env").forEach(e -> set.add(e.path("name").asText()));

        assertThat(set).isNotEmpty();
        assertThat(reads).containsAll(set);
        assertThat(set).contains("DB_URL", "DB_USER", "DB_PASSWORD");
    }

    @Test
    void everyFileTheConfigMapNamesIsMountedAndTheKeyFolderIsTheImages() throws IOException {
        Properties site = new Properties();
        site.load(new StringReader(only("ConfigMap").at("/data/application.properties").asText()));
        Set<String> mounted = mountedFiles();
        Set<String> named = new TreeSet<>();
        site.stringPropertyNames().stream().filter(k -> site.getProperty(k).startsWith("/"))
                .forEach(k -> named.add(site.getProperty(k)));

        assertThat(named).isNotEmpty();
        assertThat(mounted).containsAll(named);
        // The scheduler reads config/application.properties of its working folder, /deployments.
        assertThat(mounted).contains("/deployments/config/application.properties");
        // The image's MIGPLAN_TOKENS_KEY_DIR (scheduler/pom.xml) is where the key Secret goes.
        assertThat(mounted).contains("/var/lib/migplan/keys/token-signing-key.pem");
    }

    @Test
    void thePodRunsAsTheImagesUserOnAReadOnlyRootWritingOnlyTmp() {
        JsonNode pod = deployment.at("/spec/template/spec/securityContext");
        JsonNode own = container.path("securityContext");

        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asInt()).isEqualTo(1001);
        assertThat(own.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(own.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(own.at("/capabilities/drop/0").asText()).isEqualTo("ALL");
        List<String> writable = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> {
            if (!m.path("readOnly").asBoolean(false)) {
                writable.add(m.path("mountPath").asText());
            }
        });
        assertThat(writable).containsExactly("/tmp");
        assertThat(container.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(container.at("/resources/requests/cpu").asText()).isNotBlank();
    }

    /** The names in {@code ${NAME}} references of application.properties, and those read with System.getenv. */
    static Set<String> environmentTheSchedulerReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher reference = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)")
                .matcher(Files.readString(MAIN.resolve("resources/application.properties")));
        while (reference.find()) {
            names.add(reference.group(1));
        }
        Pattern getenv = Pattern.compile("getenv\\(\\)\\.getOrDefault\\(\"([A-Z0-9_]+)\"|getenv\\(\"([A-Z0-9_]+)\"\\)");
        try (Stream<Path> sources = Files.walk(MAIN.resolve("java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = getenv.matcher(Files.readString(source));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        return names;
    }

    /** The files the container sees through its volumes: each ConfigMap key or Secret item under its mount path. */
    static Set<String> mountedFiles() {
        Map<String, JsonNode> volumes = new HashMap<>();
        deployment.at("/spec/template/spec/volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Set<String> files = new TreeSet<>();
        container.path("volumeMounts").forEach(m -> {
            JsonNode volume = volumes.get(m.path("name").asText());
            assertThat(volume).as("volume %s", m.path("name")).isNotNull();
            String dir = m.path("mountPath").asText();
            if (volume.has("secret")) {
                volume.at("/secret/items").forEach(i -> files.add(dir + "/" + i.path("path").asText()));
            } else if (volume.has("configMap")) {
                JsonNode map = only("ConfigMap");
                assertThat(map.at("/metadata/name").asText()).isEqualTo(volume.at("/configMap/name").asText());
                map.path("data").fieldNames().forEachRemaining(k -> files.add(dir + "/" + k));
            }
        });
        return files;
    }

    static JsonNode only(String kind) {
        List<JsonNode> objects = byKind.getOrDefault(kind, List.of());
        assertThat(objects).as("objects of kind %s", kind).hasSize(1);
        return objects.get(0);
    }

    /** Every document of a YAML file (those separated by {@code ---}). */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file); YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(in)) {
            var it = YAML.readValues(parser, ObjectNode.class);
            while (it.hasNext()) {
                docs.add(it.next());
            }
        }
        assertThat(docs).as("documents in %s", file).isNotEmpty();
        return docs;
    }

    static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }
}
