package io.migplan.agent.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.HostAgent;
import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.grpc.AgentServiceImpl;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.config.TlsSettings;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.CaTrust;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.PeerIdentity;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.migplan.agent.inventory.Signatures;
import io.migplan.agent.probe.PerVendorProbe;
import io.migplan.agent.probe.ProbeInventory;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Times one ProbeCompatibility batch on a generated multi-GPU host, through the agent's own path
 * (request validation, the probe inventory, per-vendor routing, the backend) in process and over
 * loopback gRPC, beside a floor (the same verdicts by bare string equality) and the path that
 * rescans the host for every batch. A measurement, not a test: it asserts nothing but prints
 * whether the batch budget was met.
 */
@Command(
    name = "bench-probe",
    description = "Time a batch of probe questions on a generated host (rules and same-signature backends).",
    mixinStandardHelpOptions = true)
public final class BenchProbeCommand implements Callable<Integer> {
  /** The batch latency the scheduler's matrix refresh is planned around. */
  static final double BUDGET_MILLIS = 20.0;
  /** Driver on every generated GPU; a current 550-branch release (fixtures/nvidia/OBSERVED.md era). */
  static final String DRIVER = "550.90.07";
  /** Source versions asked about: equal, older and newer in the branch, an older and a newer branch. */
  static final String[] SOURCE_VERSIONS = {DRIVER, DRIVER, DRIVER, "550.54.14", "550.127.05", "535.183.01", "570.124.06"};
  /** T4 vGPU sizes in GiB (a 16 GiB board) and series letters (OBSERVED.md A): 5 x 4 = 20 types. */
  static final int[] SIZES_GIB = {1, 2, 4, 8, 16};
  /** T4 framebuffer (OBSERVED.md B): max_instance = board / type framebuffer. */
  static final int BOARD_GIB = 16;
  static final String[] SERIES = {"A", "B", "C", "Q"};
  /** First T4 type id (T4-1B = nvidia-222, OBSERVED.md A/B). */
  static final int FIRST_TYPE_ID = 222;

  @Spec CommandSpec spec;

  @Option(names = "--questions", defaultValue = "1000", description = "questions per batch (default: ${DEFAULT-VALUE})")
  int questions;

  @Option(names = "--gpus", defaultValue = "8", description = "GPUs on the host (default: ${DEFAULT-VALUE})")
  int gpus;

  @Option(names = "--warmup", defaultValue = "300", description = "batches before measuring (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--iterations", defaultValue = "300", description = "measured batches (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the questions (default: ${DEFAULT-VALUE})")
  long seed;

  private record Row(String backend, String path, double[] millis) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("bench-probe");
    try {
      List<String> parents = writeHost(dir, gpus);
      // CPU and memory are given only so the scan reads no /proc; probes do not look at them.
      AgentConfig base = AgentConfig.builder().hostId("bench").release("bench").root(dir)
          .listenAddress("127.0.0.1").port(0).cpus(8).memoryMib(65536L).build();
      HostScanner scanner = new HostScanner(base);
      HostSnapshot snapshot = scanner.scan();
      ProbeCompatibilityRequest request = ProbeCompatibilityRequest.newBuilder()
          .addAllQuestions(questions(snapshot, parents, new Random(seed))).build();
      out.printf("bench-probe: %d questions per batch, %d GPUs x %d types, %d warm-up + %d measured batches, seed %d%n",
          questions, gpus, SIZES_GIB.length * SERIES.length, warmup, iterations, seed);

      List<Row> rows = new ArrayList<>();
      boolean[] floorAnswers = new boolean[questions];
      Map<String, List<String[]>> byType = floorIndex(snapshot);
      rows.add(new Row("(floor)", "string equality", time(warmup, iterations, () -> floor(byType, request, floorAnswers))));
      Map<String, List<ProbeAnswer>> sample = new HashMap<>();
      // Mutual TLS as the scheduler dials an agent: a CA, the host's and the scheduler's certificates.
      PkiDirectory pki = new PkiDirectory(dir.resolve("pki"));
      CertificateAuthority ca = CertificateAuthority.create("bench CA", Duration.ofDays(1));
      ca.write(pki.caCert(), pki.caKey());
      TlsSettings hostTls = pki.hostTls(ca, "bench", Duration.ofDays(1));
      ca.issue(PeerIdentity.scheduler(), Duration.ofDays(1)).write(pki.cert(PeerIdentity.scheduler()), pki.key(PeerIdentity.scheduler()));
      ChannelCredentials asScheduler = TlsChannelCredentials.newBuilder()
          .keyManager(pki.cert(PeerIdentity.scheduler()).toFile(), pki.key(PeerIdentity.scheduler()).toFile())
          .trustManager(new ExpectedPeerTrustManager(CaTrust.of(List.of(ca.certificate())), PeerIdentity.host("bench")))
          .build();
      for (ProbeBackendChoice backend : List.of(ProbeBackendChoice.SAME_SIGNATURE, ProbeBackendChoice.RULES)) {
        AgentConfig config = base.toBuilder().probeBackend(backend).build();
        AgentServiceImpl service = inProcess(config, scanner, snapshot);
        rows.add(new Row(backend.key(), "in-process", time(warmup, iterations, () -> sample.put(backend.key(), call(service, request)))));
        try (HostAgent agent = HostAgent.start(config)) {
          ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
          try {
            var stub = AgentServiceGrpc.newBlockingStub(channel);
            // A generous deadline: a slow batch should be measured, not cut off.
            rows.add(new Row(backend.key(), "loopback gRPC", time(warmup, iterations,
                () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).probeCompatibility(request))));
          } finally {
            GrpcTransport.close(channel);
          }
        }
        try (HostAgent agent = HostAgent.start(config.toBuilder().tls(hostTls).build())) {
          ManagedChannel channel = NettyChannelBuilder.forTarget(agent.endpoint(), asScheduler).build();
          try {
            var stub = AgentServiceGrpc.newBlockingStub(channel);
            rows.add(new Row(backend.key(), "loopback gRPC, mutual TLS", time(warmup, iterations,
                () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).probeCompatibility(request))));
          } finally {
            GrpcTransport.close(channel);
          }
        }
      }
      // What every batch paid when the service rescanned per call: few rounds, it is slow.
      int slowRounds = Math.max(5, Math.min(iterations, 30));
      AgentServiceImpl rescanning = new AgentServiceImpl(
          () -> snapshot, scanner::scan, PerVendorProbe.create(ProbeSettings.DEFAULTS
              .withDefaultBackend(ProbeBackendChoice.SAME_SIGNATURE), HostRoot.of(dir)));
      rows.add(new Row("same-signature", "in-process, rescan per batch", time(slowRounds, slowRounds, () -> call(rescanning, request))));
      rows.add(new Row("(scan only)", "one host scan", time(slowRounds, slowRounds, scanner::scan)));

      print(out, rows);
      long agree = agreement(sample.get("same-signature"), floorAnswers);
      out.printf("same-signature answers equal to the floor's: %d/%d%n", agree, questions);
      out.printf("rules verdicts: %s%n", verdicts(sample.get("rules")));
      double worst = rows.stream().filter(r -> r.path.startsWith("loopback gRPC") || r.path.equals("in-process"))
          .mapToDouble(r -> percentile(r.millis, 0.9)).max().orElse(0);
      out.printf("budget %.0f ms per %d-question batch: %s (worst p90 of the agent's paths %.2f ms)%n",
          BUDGET_MILLIS, questions, worst <= BUDGET_MILLIS ? "met" : "MISSED", worst);
      out.flush();
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  private static AgentServiceImpl inProcess(AgentConfig config, HostScanner scanner, HostSnapshot snapshot) {
    AtomicReference<HostSnapshot> last = new AtomicReference<>(snapshot);
    ProbeInventory inventory = new ProbeInventory(last::get, () -> {
      last.set(scanner.scan());
      return last.get();
    }, config.scanInterval(), System::currentTimeMillis);
    return new AgentServiceImpl(last::get, scanner::scan, inventory,
        PerVendorProbe.create(config.probes(), scanner.root()));
  }

  private static List<ProbeAnswer> call(AgentServiceImpl service, ProbeCompatibilityRequest request) {
    AtomicReference<ProbeCompatibilityResponse> got = new AtomicReference<>();
    service.probeCompatibility(request, new StreamObserver<>() {
      @Override
      public void onNext(ProbeCompatibilityResponse value) {
        got.set(value);
      }

      @Override
      public void onError(Throwable t) {
        throw new IllegalStateException(t);
      }

      @Override
      public void onCompleted() {}
    });
    return got.get().getAnswersList();
  }

  /** Type id -> (parent, signature) pairs, built before timing so the floor is only the comparisons. */
  private static Map<String, List<String[]>> floorIndex(HostSnapshot snapshot) {
    Map<String, List<String[]>> byType = new HashMap<>();
    for (ParentDevice p : snapshot.getParentsList()) {
      for (DeviceType t : p.getTypesList()) {
        byType.computeIfAbsent(t.getTypeId(), k -> new ArrayList<>()).add(new String[] {p.getAddress(), t.getSignature()});
      }
    }
    return byType;
  }

  /** Same-signature semantics and nothing else: does any matching (parent, type) carry the string? */
  private static void floor(Map<String, List<String[]>> byType, ProbeCompatibilityRequest request, boolean[] answers) {
    List<ProbeQuestion> qs = request.getQuestionsList();
    for (int i = 0; i < qs.size(); i++) {
      ProbeQuestion q = qs.get(i);
      boolean yes = false;
      if (q.getSourceTypeId().isEmpty() || q.getSourceTypeId().equals(q.getTargetTypeId())) {
        for (String[] ps : byType.getOrDefault(q.getTargetTypeId(), List.of())) {
          if ((q.getTargetParent().isEmpty() || q.getTargetParent().equals(ps[0])) && ps[1].equals(q.getSourceSignature())) {
            yes = true;
            break;
          }
        }
      }
      answers[i] = yes;
    }
  }

  private static long agreement(List<ProbeAnswer> answers, boolean[] floor) {
    long same = 0;
    for (int i = 0; i < floor.length; i++) {
      if ((answers.get(i).getVerdict() == Verdict.VERDICT_COMPATIBLE) == floor[i]) {
        same++;
      }
    }
    return same;
  }

  private static String verdicts(List<ProbeAnswer> answers) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (ProbeAnswer a : answers) {
      String key = a.getVerdict().name().replace("VERDICT_", "") + (a.getCode().isEmpty() ? "" : "/" + a.getCode());
      counts.merge(key, 1, Integer::sum);
    }
    return counts.toString();
  }

  private static double[] time(int warmup, int iterations, Runnable batch) {
    for (int i = 0; i < warmup; i++) {
      batch.run();
    }
    double[] millis = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      batch.run();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    return millis;
  }

  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void print(PrintWriter out, List<Row> rows) {
    double floor = percentile(rows.get(0).millis, 0.5);
    out.printf("%-16s %-30s %10s %10s %10s%n", "backend", "path", "median ms", "p90 ms", "x floor");
    for (Row r : rows) {
      double median = percentile(r.millis, 0.5);
      out.printf("%-16s %-30s %10.3f %10.3f %10.1f%n", r.backend, r.path, median, percentile(r.millis, 0.9),
          floor > 0 ? median / floor : Double.NaN);
    }
  }

  /** Questions a scheduler would ask: mostly same type and board, a spread of source driver versions. */
  private List<ProbeQuestion> questions(HostSnapshot snapshot, List<String> parents, Random random) {
    List<String> types = snapshot.getParents(0).getTypesList().stream().map(DeviceType::getTypeId).toList();
    List<ProbeQuestion> out = new ArrayList<>(questions);
    for (int i = 0; i < questions; i++) {
      String target = types.get(random.nextInt(types.size()));
      // Ratios below only spread the answers over every code; they model no measured workload.
      String sourceType = random.nextInt(10) < 9 ? target : types.get(random.nextInt(types.size()));
      String board = random.nextInt(10) < 9 ? "T4" : "A10";
      String version = SOURCE_VERSIONS[random.nextInt(SOURCE_VERSIONS.length)];
      ProbeQuestion.Builder q = ProbeQuestion.newBuilder().setId("q" + i).setTargetTypeId(target)
          .setSourceSignature(Signatures.derived(sourceType, board, "nvidia", version));
      if (random.nextBoolean()) {
        q.setTargetParent(parents.get(random.nextInt(parents.size())));
      }
      if (random.nextBoolean()) {
        q.setSourceTypeId(sourceType).setSourceBoard(board).setSourceDriver("nvidia").setSourceDriverVersion(version);
      }
      out.add(q.build());
    }
    return out;
  }

  /** A host tree of T4s bound to nvidia, each with the same 20 types; returns the parent addresses. */
  static List<String> writeHost(Path root, int gpus) throws IOException {
    Path drivers = root.resolve("sys/bus/pci/drivers/nvidia");
    Files.createDirectories(drivers);
    write(root.resolve("sys/module/nvidia/version"), DRIVER + "\n");
    List<String> parents = new ArrayList<>();
    for (int g = 0; g < gpus; g++) {
      String address = String.format("0000:%02x:00.0", 0x3b + g);
      parents.add(address);
      Path parent = root.resolve("sys/class/mdev_bus").resolve(address);
      int id = FIRST_TYPE_ID;
      for (String series : SERIES) {
        for (int size : SIZES_GIB) {
          Path type = parent.resolve("mdev_supported_types").resolve("nvidia-" + id++);
          int max = BOARD_GIB / size;
          write(type.resolve("available_instances"), max + "\n");
          write(type.resolve("device_api"), "vfio-pci\n");
          write(type.resolve("name"), "GRID T4-" + size + series + "\n");
          write(type.resolve("description"),
              "num_heads=1, frl_config=60, framebuffer=" + size * 1024 + "M, max_resolution=4096x2160, max_instance=" + max + "\n");
        }
      }
      Files.createSymbolicLink(parent.resolve("driver"), drivers);
    }
    return parents;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
