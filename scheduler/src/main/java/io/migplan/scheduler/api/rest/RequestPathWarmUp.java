package io.migplan.scheduler.api.rest;

import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.identity.SchedulerTls;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Requests to the scheduler's own API over loopback at start-up, so the first request an operator
 * or an orchestrator sends does not pay for what only a request over the network runs: the HTTP
 * server's request path, the bearer token's check, the routing, the roles' and the audit's
 * interceptors, the reading of a JSON body and the mapping of errors (about 40 ms of the first
 * request after a start, docs/benchmarks.md), over HTTP/1.1 and over HTTP/2 (cleartext upgrade,
 * or ALPN over TLS). Each round is two requests per protocol that change nothing
 * and that the audit does not record: a read of a plan that does not exist ({@code 404}) and an
 * evacuation whose body is not JSON ({@code 400}, refused before the operation runs). They carry a
 * token this scheduler signs for {@value #SUBJECT}, valid for a minute and sent nowhere else; over
 * TLS the answer must come from a certificate naming the scheduler. The scheduler is not ready
 * ({@code /q/health/ready}) until the rounds are done; a warm-up that fails (the port unreachable,
 * say) logs why and leaves it ready. Runs with the planner's warm-up ({@code migplan.planning.warm-up}).
 */
@Readiness
@ApplicationScoped
public class RequestPathWarmUp implements HealthCheck {

    static final String NAME = "request path warm-up";
    /** Whom the warm-up's token names. */
    static final String SUBJECT = "warm-up";
    public static final int ROUNDS = 25;
    /** The plan the warm-up reads: no plan is ever stored with this id (ids are {@code evac-…}). */
    static final String ABSENT_PLAN = "warm-up-absent";
    private static final Duration TOKEN_TTL = Duration.ofMinutes(1);
    /** How long the server may take to listen before the warm-up gives up. */
    private static final Duration LISTEN_WAIT = Duration.ofSeconds(30);
    private static final long ANSWER_SECONDS = 10;
    /** The longest the scheduler stays not ready for this warm-up, its start's wait included. */
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final Logger LOG = Logger.getLogger(RequestPathWarmUp.class);

    @Inject
    Vertx vertx;
    @Inject
    HttpServer server;
    @Inject
    LocalTokens tokens;
    @Inject
    SchedulerTls tls;
    @Inject
    Clock clock;
    @Inject
    MigplanConfig config;
    @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0")
    String host;

    private volatile boolean warming;
    /** The answers the last warm-up got, by status; empty before one ran. */
    private volatile Map<Integer, Integer> answers = Map.of();

    void onStart(@Observes StartupEvent event) {
        if (!config.planning().warmUp()) {
            return;
        }
        warming = true;
        Thread thread = new Thread(this::warmUp, "request-path-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Sends the rounds and waits for every answer; returns the answers by status (what was
     * answered before a failure, if one ended it). Run at start on a thread of its own.
     */
    public Map<Integer, Integer> warmUp() {
        warming = true;
        List<HttpClient> clients = new ArrayList<>();
        Map<Integer, Integer> got = new TreeMap<>();
        long start = System.nanoTime();
        try {
            Optional<TrustOptions> trust = tls.ownApiTrust().map(TrustOptions::wrap);
            // HTTP/1.1 (curl, scripts) and HTTP/2 (the JDK's client, so migplan; gRPC): the server's paths differ.
            for (HttpVersion version : List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2)) {
                HttpClientOptions options = new HttpClientOptions().setConnectTimeout(2_000).setProtocolVersion(version);
                if (trust.isPresent()) {
                    options.setSsl(true).setTrustOptions(trust.get()).setVerifyHost(false)
                            .setUseAlpn(version == HttpVersion.HTTP_2);
                } else {
                    options.setHttp2ClearTextUpgrade(true);
                }
                clients.add(vertx.createHttpClient(options));
            }
            long deadline = start + LISTEN_WAIT.toNanos();
            int port = listening(trust.isPresent() ? server::getSecurePort : server::getPort, deadline);
            String token = tokens.issue(SUBJECT, Roles.OPERATOR, TOKEN_TTL, clock.instant()).token();
            for (int round = 0; round < ROUNDS; round++) {
                if (System.nanoTime() - start > BUDGET.toNanos()) {
                    throw new IllegalStateException("not done within " + BUDGET + ", after " + round + " rounds");
                }
                for (HttpClient client : clients) {
                    got.merge(send(client, port, token, HttpMethod.GET, "/api/v1/plans/" + ABSENT_PLAN, null,
                            deadline), 1, Integer::sum);
                    got.merge(send(client, port, token, HttpMethod.POST, "/api/v1/plans/evacuation",
                            "{\"hosts\": [", deadline), 1, Integer::sum);
                }
            }
            answers = Map.copyOf(got);
            LOG.debugf("request path warmed up: %s", got);
            return answers;
        } catch (Exception e) {
            answers = Map.copyOf(got);
            LOG.warnf("the request path warm-up did not finish (%s); the first request will load what it needs",
                    e.toString());
            return answers;
        } finally {
            clients.forEach(HttpClient::close);
            warming = false;
        }
    }

    /** The port once the server listens on it (the server starts after the application's start-up event). */
    private static int listening(IntSupplier port, long deadline) throws InterruptedException {
        while (port.getAsInt() <= 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the HTTP server did not listen within " + LISTEN_WAIT);
            }
            Thread.sleep(50);
        }
        return port.getAsInt();
    }

    /** One request; until {@code deadline}, a server not listening yet is tried again. Returns the status. */
    private int send(HttpClient client, int port, String token, HttpMethod method, String path, String body,
            long deadline) throws Exception {
        RequestOptions request = new RequestOptions().setMethod(method).setHost(loopback()).setPort(port)
                .setURI(path).putHeader("Authorization", "Bearer " + token);
        if (body != null) {
            request.putHeader("Content-Type", "application/json");
        }
        while (true) {
            try {
                return client.request(request)
                        .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                        .compose(r -> r.body().map(ignored -> r.statusCode()))
                        .toCompletionStage().toCompletableFuture().get(ANSWER_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof java.net.ConnectException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the server is not listening yet
            }
        }
    }

    /** Where the server listens, as this process reaches it: loopback when it listens on every address. */
    private String loopback() {
        return host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
    }

    /** The answers of the last warm-up, by status. */
    Map<Integer, Integer> answers() {
        return answers;
    }

    @Override
    public HealthCheckResponse call() {
        boolean now = warming;
        return HealthCheckResponse.named(NAME).status(!now).withData("state", now ? "warming up" : "done").build();
    }
}
