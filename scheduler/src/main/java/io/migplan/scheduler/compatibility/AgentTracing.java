package io.migplan.scheduler.compatibility;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Traces the calls the scheduler makes to agents on its own channels ({@link AgentChannels}, plain
 * grpc-java, which Quarkus does not instrument): each call is a client span, child of the span
 * current when it is made (a report's, a query's), and carries that context to the agent in the
 * W3C {@code traceparent} header. With tracing off ({@code quarkus.otel.sdk.disabled=true}) the
 * tracer is a no-op and nothing is added to the call.
 */
@ApplicationScoped
public class AgentTracing {

    private static final TextMapSetter<Metadata> HEADERS = (headers, key, value) ->
            headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

    @Inject
    OpenTelemetry openTelemetry;

    /**
     * The interceptor of the agents' channels. Not a bean of its own: Quarkus would take a
     * {@link ClientInterceptor} bean for one meant for its own gRPC clients.
     */
    public ClientInterceptor interceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return traced(method, options, next);
            }
        };
    }

    private <Q, R> ClientCall<Q, R> traced(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        Tracer tracer = openTelemetry.getTracer("io.migplan.scheduler.agents");
        Span span = tracer.spanBuilder(method.getFullMethodName()).setSpanKind(SpanKind.CLIENT)
                .setAttribute("rpc.system", "grpc").setAttribute("rpc.service", method.getServiceName())
                .setAttribute("rpc.method", method.getBareMethodName()).startSpan();
        Context context = Context.current().with(span);
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                openTelemetry.getPropagators().getTextMapPropagator().inject(context, headers, HEADERS);
                super.start(new SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                        if (!status.isOk()) {
                            span.setStatus(StatusCode.ERROR, status.getCode().name());
                        }
                        span.end();
                        super.onClose(status, trailers);
                    }
                }, headers);
            }

            @Override
            public void cancel(String message, Throwable cause) {
                span.setStatus(StatusCode.ERROR, "cancelled");
                span.end();
                super.cancel(message, cause);
            }
        };
    }
}
