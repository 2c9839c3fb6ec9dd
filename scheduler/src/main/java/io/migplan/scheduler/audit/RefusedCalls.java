package io.migplan.scheduler.audit;

import io.migplan.scheduler.auth.Operations;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Texts;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Records calls to operations that change state which were refused for their token or role: 401
 * ({@code UNAUTHENTICATED}: no token, or one refused) and 403 ({@code PERMISSION_DENIED}: a role
 * that may not), on REST and gRPC alike. Who is the token's subject when one was accepted, else
 * {@code anonymous}; the message names the source address. Which are recorded one by one is
 * bounded ({@link RefusalBudget}); the rest of a minute leave one summary record. Reads refused
 * are not recorded, as reads are not. The records are written on a worker thread, since a
 * refusal may be answered on an event loop; the budget bounds how many wait.
 */
@ApplicationScoped
public class RefusedCalls {

    /** Shown in the summary record in place of a subject, an operation and a result. */
    static final String SUMMARY_SUBJECT = "(various)";
    static final String SUMMARY_OPERATION = "(calls refused for their token or role)";
    static final String SUMMARY_RESULT = "NOT_RECORDED_ONE_BY_ONE";

    private static final Logger LOG = Logger.getLogger(RefusedCalls.class);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final Clock clock;
    private final MigplanConfig.Audit limits;
    private final RefusalBudget budget;

    @Inject
    RefusedCalls(AuditLog log, Clock clock, MigplanConfig config) {
        this.log = log;
        this.clock = clock;
        this.limits = config.audit();
        this.budget = new RefusalBudget(limits.refusalsPerSource(), limits.refusalsPerMinute(),
                limits.refusalSources());
    }

    /**
     * A call of {@code method} (declared in {@code type}) refused with {@code refusal} (401 or 403)
     * before it ran. {@code subject} and {@code roles}: the token's, or null when none was accepted;
     * {@code target}: what the call named, as in other records; {@code source}: the peer's address.
     */
    public void refused(Class<?> type, Method method, String source, String subject, String roles, String target,
            RefusalException refusal) {
        if (type == null || method == null || !type.isAnnotationPresent(Audited.class)
                || !AuditInterceptor.covers(method)) {
            return;
        }
        String from = source == null || source.isBlank() ? "an unknown address" : source;
        RefusalBudget.Decision decision = budget.admit(from, clock.instant());
        decision.ended().ifPresent(this::summary);
        if (!decision.record()) {
            return;
        }
        String who = subject == null || subject.isBlank() ? "anonymous" : subject;
        String message = "from " + Texts.escaped(from) + ": " + refusal.getMessage();
        write(who, roles == null ? "" : roles, Operations.name(type, method), target == null ? "" : target,
                refusal.code(), message.length() <= Texts.MAX_TEXT ? message : message.substring(0, Texts.MAX_TEXT));
    }

    /** What a REST call named, as its audit records show it: {@code id=camp-7}, path parameters by name. */
    public static String target(Map<String, List<String>> pathParameters) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(pathParameters).forEach((name, values) -> values.forEach(v -> parts.add(name + "="
                + Texts.escaped(v))));
        String target = String.join(" ", parts);
        // A path is the caller's to choose, unchecked yet: its record keeps a bounded part.
        return target.length() <= Texts.MAX_TEXT ? target : target.substring(0, Texts.MAX_TEXT);
    }

    /** Once a minute: the summary of the minute that ended, when some of its refusals were only counted. */
    @Scheduled(every = "60s", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void endMinute() {
        budget.end(clock.instant()).ifPresent(this::summary);
    }

    private void summary(RefusalBudget.Suppressed s) {
        write(SUMMARY_SUBJECT, "", SUMMARY_OPERATION, "sources=" + s.sources(), SUMMARY_RESULT, s.calls()
                + " more calls refused with 401 or 403 from " + s.sources() + " source(s) in the minute from "
                + MINUTE.format(s.minute()) + " UTC; each source's first " + limits.refusalsPerSource() + " a minute, and "
                + limits.refusalsPerMinute() + " in all, are recorded one by one");
    }

    private void write(String subject, String roles, String operation, String target, String result, String message) {
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                log.record(subject, roles, operation, target, result, message);
            } catch (RuntimeException e) {
                LOG.errorf(e, "the audit record of a refused call of %s (%s) was not written", operation, result);
            }
        });
    }
}
