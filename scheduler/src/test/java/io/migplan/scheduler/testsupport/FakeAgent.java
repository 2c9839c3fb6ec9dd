package io.migplan.scheduler.testsupport;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real AgentService on an ephemeral loopback port, standing in for the host agent at the
 * system edge. Rule: a question is COMPATIBLE iff its source signature equals the signature
 * this agent holds for the target type (what a same-signature probe backend does),
 * INCOMPATIBLE with SIGNATURE_MISMATCH otherwise, UNKNOWN for a type it does not know. It may
 * serve several hosts: a scan of a host answers what {@link #holds} last set for it.
 */
public final class FakeAgent implements AutoCloseable {

    private final Server server;
    private final Map<String, String> signatures = new ConcurrentHashMap<>();
    private final Map<String, HostSnapshot> inventories = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<ProbeQuestion> questions = new CopyOnWriteArrayList<>();
    private static final io.grpc.Metadata.Key<String> TRACEPARENT =
            io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    private final List<String> traceparents = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile CountDownLatch held = new CountDownLatch(0);

    /**
     * Ports {@link #deadEndpoint} handed out. No agent listens on one: the scheduler keeps one
     * channel per endpoint, and the channel to a "dead" endpoint, in reconnect backoff, would fail a
     * later agent's calls if the system gave that agent the same ephemeral port.
     */
    private static final Set<Integer> DEAD_PORTS = ConcurrentHashMap.newKeySet();

    public FakeAgent() throws IOException {
        Server started = start();
        while (DEAD_PORTS.contains(started.getPort())) {
            Server taken = started;
            started = start();
            taken.shutdownNow();
        }
        server = started;
    }

    private Server start() throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AgentServiceGrpc.AgentServiceImplBase() {
                    @Override
                    public void getInventory(GetInventoryRequest request, StreamObserver<HostSnapshot> response) {
                        HostSnapshot held = inventories.get(request.getHostId());
                        if (held == null) {
                            response.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription(
                                    "this agent serves no host " + request.getHostId()).asRuntimeException());
                            return;
                        }
                        response.onNext(held);
                        response.onCompleted();
                    }

                    @Override
                    public void probeCompatibility(ProbeCompatibilityRequest request,
                            StreamObserver<ProbeCompatibilityResponse> response) {
                        calls.incrementAndGet();
                        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            response.onError(io.grpc.Status.UNAVAILABLE.withDescription("agent restarting")
                                    .asRuntimeException());
                            return;
                        }
                        questions.addAll(request.getQuestionsList());
                        awaitRelease();
                        sleep(delay);
                        var out = ProbeCompatibilityResponse.newBuilder();
                        request.getQuestionsList().forEach(q -> out.addAnswers(answer(q)));
                        response.onNext(out.build());
                        response.onCompleted();
                    }
                })
                .intercept(new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                            io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                        String parent = headers.get(TRACEPARENT);
                        if (parent != null) {
                            traceparents.add(parent);
                        }
                        return next.startCall(call, headers);
                    }
                })
                .build().start();
    }

    /**
     * What this agent finds when asked to scan the snapshot's host (GetInventory by host id):
     * the host's inventory as it stands, which tests change the way a real host changes.
     */
    public FakeAgent holds(HostSnapshot snapshot) {
        inventories.put(snapshot.getHost().getId(), snapshot);
        return this;
    }

    /** This agent's signature for {@code typeId} (on any of its parents). */
    public FakeAgent signature(String typeId, String signature) {
        signatures.put(typeId, signature);
        return this;
    }

    /** Answers only after {@code delay}, to play an agent that is too slow. */
    public FakeAgent delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /**
     * Answers nothing until {@link #release()}: a test holds whoever asks (say, a plan building its
     * problem) at a point it chooses, as long as the caller's deadline allows.
     */
    public FakeAgent hold() {
        held = new CountDownLatch(1);
        return this;
    }

    /** Answers what was held, and from now on at once. */
    public FakeAgent release() {
        held.countDown();
        return this;
    }

    /** Answers the next {@code n} calls with UNAVAILABLE, as an agent that is restarting. */
    public FakeAgent failNext(int n) {
        failuresLeft.set(n);
        return this;
    }

    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The W3C trace contexts callers sent with their calls, in arrival order. */
    public List<String> traceparents() {
        return List.copyOf(traceparents);
    }

    public int calls() {
        return calls.get();
    }

    /** Every question this agent was asked, in arrival order. */
    public List<ProbeQuestion> questions() {
        return List.copyOf(questions);
    }

    /** An endpoint nobody listens on: a port that was free a moment ago. */
    public static String deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            DEAD_PORTS.add(s.getLocalPort());
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private ProbeAnswer answer(ProbeQuestion q) {
        String mine = signatures.get(q.getTargetTypeId());
        var a = ProbeAnswer.newBuilder().setId(q.getId()).setBackend("same-signature");
        if (mine == null) {
            return a.setVerdict(Verdict.VERDICT_UNKNOWN).setCode("TYPE_UNKNOWN")
                    .setMessage("no type " + q.getTargetTypeId() + " here").build();
        }
        if (mine.equals(q.getSourceSignature())) {
            return a.setVerdict(Verdict.VERDICT_COMPATIBLE).setCode("SIGNATURE_MATCH").build();
        }
        return a.setVerdict(Verdict.VERDICT_INCOMPATIBLE).setCode("SIGNATURE_MISMATCH")
                .setMessage(q.getTargetTypeId() + " on " + q.getTargetParent() + " has signature " + mine
                        + ", the source has " + q.getSourceSignature())
                .build();
    }

    private void awaitRelease() {
        try {
            if (!held.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a test held this agent and never released it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            // Not a wait: this agent plays one that is slow to answer.
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        held.countDown();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
