package io.migplan.scheduler.audit;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.protobuf.StatusProto;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.migplan.scheduler.auth.Access;
import io.migplan.scheduler.auth.Operations;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.Texts;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Records each call of an {@link Audited} operation that changes state with its result: {@code OK},
 * or the code it was refused with ({@code CAMPAIGN_ACTIVE}, {@code INVALID_ARGUMENT}, ...), or
 * {@code INTERNAL}. It opens an {@link AuditedCall} around the call, so the record of a change is
 * written in the change's own transaction ({@link AuditLog}); a call that changed nothing or failed
 * is recorded after it answered, in a transaction of its own. It runs after the role check (calls
 * refused for their token or role are recorded by {@link RefusedCalls}) and around the request's
 * validation, so a call refused for a bad field is recorded too. A REST call's answer is the
 * method's return or exception; a gRPC call's is what its observer is told, which this wraps.
 */
@Audited
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class AuditInterceptor {

    private static final Logger LOG = Logger.getLogger(AuditInterceptor.class);
    /** gRPC request fields that name what a call acts on, in the order they are shown. */
    private static final List<String> TARGET_FIELDS = List.of("id", "migration", "host");

    @Inject
    AuditLog log;
    @Inject
    SecurityIdentity identity;

    @AroundInvoke
    Object audit(InvocationContext call) throws Exception {
        Method method = call.getMethod();
        if (!covers(method)) {
            return call.proceed();
        }
        // Read now: a gRPC answer may come on another thread, outside this request.
        Caller who = caller();
        String operation = Operations.name(method.getDeclaringClass(), method);
        String target = target(method, call.getParameters());
        AuditedCall audited = AuditedCall.open(new AuditedCall(who.subject(), who.roles(), operation, target));
        if (audited == null) {
            return call.proceed(); // called from within another audited call, which records it
        }
        try {
            Object[] parameters = call.getParameters();
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof StreamObserver<?> observer) {
                    parameters[i] = new Observed<>(observer, audited);
                    call.setParameters(parameters);
                    return call.proceed();
                }
            }
            Object answer;
            try {
                answer = call.proceed();
            } catch (Exception e) {
                finish(audited, target, e);
                throw e;
            }
            finish(audited, withCreated(target, answer), null);
            return answer;
        } finally {
            audited.close();
        }
    }

    /**
     * Whether calls of {@code method} (of an {@link Audited} class) are recorded: those that change
     * state, i.e. declare roles that leave viewers out. Reads, and the agents' reports (declared by
     * host identity, not by role), are not.
     */
    public static boolean covers(Method method) {
        Optional<Set<String>> allowed = Access.roles(method);
        return allowed.isPresent() && Roles.changesState(allowed.get());
    }

    private record Caller(String subject, String roles) {
    }

    private Caller caller() {
        if (identity.isAnonymous()) {
            return new Caller("anonymous", "");
        }
        // Roles include others by inheritance; the record shows those the token was given.
        return new Caller(identity.getPrincipal().getName(),
                String.join(",", new TreeSet<>(Roles.given(identity.getRoles()))));
    }

    /**
     * After the call answered: a change committed with its record ({@link AuditLog}) needs at most
     * the id it made named; a call that changed nothing, or failed, is recorded now in a transaction
     * of its own, since whatever it tried rolled back.
     */
    private void finish(AuditedCall call, String target, Throwable failure) {
        Long committed = call.committed();
        if (failure == null && committed != null) {
            if (!target.equals(call.target)) {
                try {
                    log.retarget(committed, target);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "the audit record %d of %s was not given the id the call made (%s)", committed,
                            call.operation, Texts.escaped(target));
                }
            }
            return;
        }
        String result = "OK";
        String message = null;
        if (failure != null) {
            RefusalException refusal = failure instanceof RuntimeException r ? RefusalException.from(r) : null;
            if (refusal != null) {
                result = refusal.code();
                message = refusal.getMessage();
            } else if (failure instanceof StatusRuntimeException s) {
                result = grpcCode(s);
                message = s.getStatus().getDescription();
            } else {
                result = "INTERNAL";
            }
            if (committed != null) {
                // Rare: a change committed (audit record `committed` says OK), then the call failed.
                message = (message == null ? "" : message + "; ") + "failed after a change it made had committed"
                        + " (audit record " + committed + ")";
            }
        }
        try {
            log.record(call.subject, call.roles, call.operation, target, result, clip(message));
        } catch (RuntimeException e) {
            // Nothing of the call is undone by this: it changed nothing, or its change rolled back.
            LOG.errorf(e, "the audit record of %s %s by %s (%s) was not written", call.operation, Texts.escaped(target),
                    Texts.escaped(call.subject), result);
        }
    }

    /** The REST API's code a gRPC refusal carries as its {@code ErrorInfo} reason, else the status's own name. */
    private static String grpcCode(StatusRuntimeException s) {
        com.google.rpc.Status status = StatusProto.fromThrowable(s);
        if (status != null) {
            for (Any detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return detail.unpack(ErrorInfo.class).getReason();
                    } catch (InvalidProtocolBufferException e) {
                        break;
                    }
                }
            }
        }
        return s.getStatus().getCode().name();
    }

    private static String clip(String message) {
        return message == null || message.length() <= Texts.MAX_TEXT ? message : message.substring(0, Texts.MAX_TEXT);
    }

    /** {@code id=camp-1 migration=m-3}: a REST call's path parameters, or a gRPC request's id fields. */
    static String target(Method method, Object[] parameters) {
        List<String> parts = new ArrayList<>();
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < parameters.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof PathParam p && parameters[i] != null) {
                    parts.add(p.value() + "=" + Texts.escaped(String.valueOf(parameters[i])));
                }
            }
            if (parameters[i] instanceof Message m) {
                parts.addAll(fields(m));
            }
        }
        return String.join(" ", parts);
    }

    private static List<String> fields(Message m) {
        List<String> parts = new ArrayList<>();
        for (String name : TARGET_FIELDS) {
            Descriptors.FieldDescriptor field = m.getDescriptorForType().findFieldByName(name);
            if (field != null && !field.isRepeated() && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING
                    && !((String) m.getField(field)).isEmpty()) {
                parts.add(name + "=" + Texts.escaped((String) m.getField(field)));
            }
        }
        return parts;
    }

    /** A created plan's or campaign's id (a token's subject), named in the target of the call that made it. */
    static String withCreated(String target, Object answer) {
        if (!target.isEmpty()) {
            return target;
        }
        Object entity = answer instanceof Response r ? r.getEntity() : answer;
        Object id = null;
        if (entity instanceof Map<?, ?> map) {
            id = map.get("id");
        } else if (entity instanceof Message m) {
            Descriptors.FieldDescriptor field = m.getDescriptorForType().findFieldByName("id");
            id = field == null || field.isRepeated() ? null : m.getField(field);
        } else if (entity != null && entity.getClass().isRecord()) {
            for (String name : List.of("id", "subject")) {
                try {
                    Object value = entity.getClass().getMethod(name).invoke(entity);
                    if (value != null) {
                        return name + "=" + Texts.escaped(String.valueOf(value));
                    }
                } catch (ReflectiveOperationException e) {
                    // the record has no such component
                }
            }
        }
        return id == null || String.valueOf(id).isEmpty() ? target : "id=" + Texts.escaped(String.valueOf(id));
    }

    /** A gRPC call's observer that records the answer before passing it on. */
    private final class Observed<T> implements StreamObserver<T> {
        private final StreamObserver<T> delegate;
        private final AuditedCall call;
        private T last;

        Observed(StreamObserver<T> delegate, AuditedCall call) {
            this.delegate = delegate;
            this.call = call;
        }

        @Override
        public void onNext(T value) {
            last = value;
            delegate.onNext(value);
        }

        @Override
        public void onError(Throwable t) {
            Throwable shown = t instanceof RuntimeException ? t : Status.fromThrowable(t).asRuntimeException();
            finish(call, call.target, shown);
            delegate.onError(t);
        }

        @Override
        public void onCompleted() {
            finish(call, withCreated(call.target, last), null);
            delegate.onCompleted();
        }
    }
}
