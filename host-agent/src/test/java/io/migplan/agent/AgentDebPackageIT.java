package io.migplan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host agent's .deb as {@code package} left it in target/: opened the way dpkg opens it (an ar
 * archive of {@code debian-binary}, {@code control.tar.gz}, {@code data.tar.gz}), without dpkg,
 * then, where {@code dpkg-deb} is installed, read by it too. It checks what an installed host
 * gets: the files, their owners and modes, the control fields dpkg and apt act on, the conffiles
 * list, maintainer scripts that parse, and a packaged jar that runs with the lib/ beside it.
 */
class AgentDebPackageIT {
  static final Path TARGET = Path.of("target").toAbsolutePath();
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Path JAR = Path.of(System.getProperty("migplan.it.agent-jar",
      TARGET.resolve("host-agent-0.1.0-SNAPSHOT.jar").toString()));
  static final Path LIB = Path.of(System.getProperty("migplan.it.agent-lib", TARGET.resolve("lib").toString()));
  static final String PROJECT_VERSION = System.getProperty("migplan.it.project-version", "0.1.0-SNAPSHOT");
  static final String HOME = "./opt/migplan/host-agent/";

  static Path deb;
  static List<String> members;
  static Map<String, TarFile> control;
  static Map<String, TarFile> data;

  /** One entry of a tar member: its mode, owner, kind and, for a regular file, its bytes. */
  record TarFile(String name, int mode, String user, String group, boolean directory, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  @BeforeAll
  static void openThePackage() throws IOException {
    try (Stream<Path> files = Files.list(TARGET)) {
      List<Path> debs = files.filter(p -> p.getFileName().toString().matches("migplan-agent_.*_all\\.deb")).toList();
      assertThat(debs).as("the .deb package made in %s", TARGET).hasSize(1);
      deb = debs.get(0);
    }
    members = new ArrayList<>();
    try (ArArchiveInputStream ar = new ArArchiveInputStream(Files.newInputStream(deb))) {
      ArArchiveEntry entry;
      while ((entry = ar.getNextEntry()) != null) {
        members.add(entry.getName());
        byte[] bytes = ar.readAllBytes();
        switch (entry.getName()) {
          case "debian-binary" -> assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo("2.0\n");
          case "control.tar.gz" -> control = untar(bytes);
          case "data.tar.gz" -> data = untar(bytes);
          default -> { }
        }
      }
    }
  }

  @Test
  void theArchiveHasDpkgsThreeMembersInDpkgsOrder() {
    assertThat(members).containsExactly("debian-binary", "control.tar.gz", "data.tar.gz");
  }

  @Test
  void theControlFileNamesThePackageItsDebianVersionAndAJava17Runtime() {
    Map<String, String> fields = fields(control.get("./control").text());

    assertThat(fields).containsEntry("Package", "migplan-agent").containsEntry("Architecture", "all");
    assertThat(fields.get("Version")).isEqualTo(debianVersion(PROJECT_VERSION))
        // Debian policy 5.6.12: upstream version starts with a digit; letters, digits and . + ~ only
        // when there is no revision (a '-' would start one).
        .matches("[0-9][A-Za-z0-9.+~]*");
    assertThat(fields.get("Depends").split("\\s*\\|\\s*"))
        .contains("default-jre-headless (>= 2:1.17)", "openjdk-17-jre-headless");
    assertThat(fields.get("Maintainer")).matches(".+ <[^@ ]+@[^@ ]+>");
    assertThat(fields.get("Description")).startsWith("migplan host agent");
    assertThat(fields.get("Installed-Size")).matches("[1-9][0-9]*");
  }

  @Test
  void aSnapshotVersionSortsBeforeItsRelease() {
    assertThat(debianVersion("0.1.0-SNAPSHOT")).isEqualTo("0.1.0~snapshot");
    assertThat(debianVersion("1.2.3")).isEqualTo("1.2.3");
  }

  @Test
  void agentYamlIsTheOnlyConffileSoAnUpgradeKeepsTheOperatorsEdits() {
    assertThat(control.get("./conffiles").text().lines().toList()).containsExactly("/etc/migplan/agent.yaml");
  }

  @Test
  void theMaintainerScriptsAreExecutableShellThatParsesAndPrepareWhatTheUnitNeeds(@TempDir Path dir)
      throws Exception {
    for (String script : List.of("./postinst", "./prerm", "./postrm")) {
      TarFile file = control.get(script);
      assertThat(file).as(script).isNotNull();
      assertThat(file.mode() & 0777).as("mode of %s", script).isEqualTo(0755);
      assertThat(file.text()).as(script).startsWith("#!/bin/sh\n").contains("set -e");
      Path copy = dir.resolve(script.substring(2));
      Files.write(copy, file.content());
      assertThat(run(dir, "sh", "-n", copy.toString())).as("sh -n %s", script).isEqualTo("");
    }
    assertThat(control.get("./postinst").text())
        .contains("install -d -m 0700 /etc/migplan/pki", "systemctl daemon-reload");
    assertThat(control.get("./prerm").text()).contains("systemctl stop migplan-agent.service");
  }

  @Test
  void everyFileLandsWhereTheUnitAndTheLauncherLookWithItsMode() throws IOException {
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put(HOME + JAR.getFileName(), 0644);
    expected.put(HOME + "bin/migplan-agent", 0755);
    expected.put("./lib/systemd/system/migplan-agent.service", 0644);
    expected.put("./etc/migplan/agent.yaml", 0644);
    try (Stream<Path> jars = Files.list(LIB)) {
      jars.forEach(j -> expected.put(HOME + "lib/" + j.getFileName(), 0644));
    }

    Map<String, Integer> files = data.values().stream().filter(f -> !f.directory())
        .collect(Collectors.toMap(TarFile::name, f -> f.mode() & 07777));
    assertThat(files).isEqualTo(expected);
    assertThat(data.values()).allSatisfy(f -> {
      assertThat(f.user()).as("owner of %s", f.name()).isEqualTo("root");
      assertThat(f.group()).as("group of %s", f.name()).isEqualTo("root");
    });
    for (String file : expected.keySet()) {
      for (Path parent = Path.of(file).getParent(); !parent.toString().equals("."); parent = parent.getParent()) {
        TarFile dir = data.get(parent + "/");
        assertThat(dir).as("directory entry of %s", parent).isNotNull();
        assertThat(dir.mode() & 07777).as("mode of %s", parent).isEqualTo(0755);
      }
    }
  }

  @Test
  void md5sumsListsEveryFileWithItsDigestForDpkgVerify() throws Exception {
    Map<String, String> listed = new LinkedHashMap<>();
    control.get("./md5sums").text().lines().forEach(l -> listed.put("./" + l.substring(34), l.substring(0, 32)));
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    Map<String, String> actual = new LinkedHashMap<>();
    data.values().stream().filter(f -> !f.directory())
        .forEach(f -> actual.put(f.name(), java.util.HexFormat.of().formatHex(md5.digest(f.content()))));
    assertThat(listed).isEqualTo(actual);
  }

  @Test
  void thePackagedFilesAreTheBuildsAndTheRepositorysOwn() throws IOException {
    assertThat(data.get(HOME + JAR.getFileName()).content()).isEqualTo(Files.readAllBytes(JAR));
    assertThat(data.get(HOME + "bin/migplan-agent").content())
        .isEqualTo(Files.readAllBytes(DEPLOY.resolve("bin/migplan-agent")));
    assertThat(data.get("./lib/systemd/system/migplan-agent.service").content())
        .isEqualTo(Files.readAllBytes(DEPLOY.resolve("systemd/migplan-agent.service")));
    assertThat(data.get("./etc/migplan/agent.yaml").content())
        .isEqualTo(Files.readAllBytes(DEPLOY.resolve("config/agent.yaml")));
    // The unit starts the launcher where the package puts it, with the conffile.
    assertThat(data.get("./lib/systemd/system/migplan-agent.service").text())
        .contains("ExecStart=/opt/migplan/host-agent/bin/migplan-agent /etc/migplan/agent.yaml");
  }

  @Test
  void theInstalledJarRunsWithTheLibFolderBesideIt(@TempDir Path root) throws Exception {
    for (TarFile f : data.values()) {
      Path to = root.resolve(f.name());
      if (f.directory()) {
        Files.createDirectories(to);
      } else {
        Files.createDirectories(to.getParent());
        Files.write(to, f.content());
      }
    }
    Path empty = Files.createDirectories(root.resolve("empty-host"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path jar = root.resolve(HOME + JAR.getFileName());

    assertThat(run(root, java, "-jar", jar.toString(), "--version")).startsWith("host-agent ");
    // A scan of a host without devices loads the inventory, protobuf and JSON code from lib/.
    assertThat(run(root, java, "-jar", jar.toString(), "scan", "--root", empty.toString(), "--json"))
        .contains("{");
  }

  @Test
  void dpkgDebReadsThePackageWhereItIsInstalled() throws Exception {
    if (!onPath("dpkg-deb")) {
      // The ar/tar checks above stand alone; dpkg's own reading is checked where dpkg exists.
      return;
    }
    String info = run(TARGET, "dpkg-deb", "--info", deb.toString());
    assertThat(info).contains("Package: migplan-agent", "Version: " + debianVersion(PROJECT_VERSION),
        " postinst", " prerm", " postrm", " conffiles");
    assertThat(run(TARGET, "dpkg-deb", "--field", deb.toString(), "Version").trim())
        .isEqualTo(debianVersion(PROJECT_VERSION));
    Set<String> listed = new TreeSet<>(Arrays.asList(run(TARGET, "dpkg-deb", "--contents", deb.toString())
        .lines().map(l -> l.replaceAll(".* ", "")).toArray(String[]::new)));
    assertThat(listed).isEqualTo(new TreeSet<>(data.keySet()));
    assertThat(run(TARGET, "dpkg-deb", "--contents", deb.toString()))
        .containsPattern("-rw-r--r-- root/root +[0-9]+ .* \\./etc/migplan/agent\\.yaml")
        .containsPattern("-rwxr-xr-x root/root +[0-9]+ .* \\./opt/migplan/host-agent/bin/migplan-agent");
  }

  /** What jdeb makes of a Maven version: a SNAPSHOT becomes {@code ~snapshot}, which sorts before the release. */
  static String debianVersion(String mavenVersion) {
    return mavenVersion.replace("-SNAPSHOT", "~snapshot");
  }

  /** The fields of a control file (deb-control(5)); continuation lines are kept, joined by newlines. */
  static Map<String, String> fields(String controlFile) {
    Map<String, String> fields = new LinkedHashMap<>();
    String last = null;
    for (String line : controlFile.lines().toList()) {
      if (line.startsWith(" ") && last != null) {
        fields.merge(last, "\n" + line.substring(1), String::concat);
      } else if (!line.isBlank()) {
        int colon = line.indexOf(':');
        last = line.substring(0, colon);
        fields.put(last, line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  static Map<String, TarFile> untar(byte[] gzipped) throws IOException {
    Map<String, TarFile> files = new LinkedHashMap<>();
    try (InputStream in = new java.io.ByteArrayInputStream(gzipped);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName().startsWith("./") ? e.getName() : "./" + e.getName();
        byte[] content = e.isDirectory() ? new byte[0] : tar.readAllBytes();
        files.put(name, new TarFile(name, e.getMode(), e.getUserName(), e.getGroupName(), e.isDirectory(), content));
      }
    }
    return files;
  }

  static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
  }

  /** Runs a command to its end (60 s at most) and returns its output; a non-zero exit fails the test. */
  static String run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit status of %s; output:\n%s", List.of(command), text).isZero();
    return text;
  }
}
