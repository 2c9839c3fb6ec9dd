package io.migplan.scheduler.api.grpc;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.migplan.scheduler.auth.Access;
import io.migplan.scheduler.auth.HostIdentity;
import io.quarkus.arc.ClientProxy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gRPC side of the role table: each method the scheduler serves (by its full name, {@code
 * migplan.v1.CampaignService/AbortCampaign}) and the Java method that declares who may call it
 * ({@code @RolesAllowed}, or {@link HostIdentity} for the agents' calls). Quarkus enforces the
 * roles; this is read to word a refusal and by the test that finds every method declared.
 */
@Singleton
public class GrpcRoles {

    /**
     * Quarkus's gRPC health service, open like {@code /q/health}: load balancers and Kubernetes probes
     * call it without credentials, and it answers only SERVING or NOT_SERVING.
     */
    public static final String HEALTH_SERVICE = "grpc.health.v1.Health";
    public static final String OPEN = "open (health probe)";
    /**
     * gRPC server reflection ({@code quarkus.grpc.server.enable-reflection-service}), both versions
     * tools speak: open, so grpcurl and Postman find the services before a token is pasted. It tells
     * only what the proto module publishes anyway (services, messages); every method it names still
     * asks for its role when called.
     */
    public static final List<String> REFLECTION_METHODS = List.of(
            "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
    public static final String OPEN_REFLECTION = "open (server reflection: the published service descriptors)";

    private final Map<String, Declared> methods = new TreeMap<>();

    /** A served method and the declaration found for it (null when it has none); {@code open} says why it is open. */
    public record Declared(Class<?> type, Method method, String open) {
        public Optional<String> access() {
            if (open != null) {
                return Optional.of(open);
            }
            return method == null ? Optional.empty() : Access.declared(method);
        }

        public Set<String> roles() {
            return method == null ? Set.of() : Access.roles(method).orElse(Set.of());
        }
    }

    @Inject
    GrpcRoles(@Any Instance<BindableService> services,
            @ConfigProperty(name = "quarkus.grpc.server.enable-reflection-service", defaultValue = "false")
            boolean reflection) {
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            Class<?> type = ClientProxy.unwrap(service).getClass();
            for (ServerMethodDefinition<?, ?> m : definition.getMethods()) {
                MethodDescriptor<?, ?> descriptor = m.getMethodDescriptor();
                String bare = descriptor.getBareMethodName();
                String javaName = Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
                methods.put(descriptor.getFullMethodName(), descriptor.getServiceName().equals(HEALTH_SERVICE)
                        ? new Declared(type, null, OPEN) : declaration(type, javaName));
            }
        }
        // Quarkus serves reflection itself, not as a bean: it is named here so no served method goes undeclared.
        if (reflection) {
            REFLECTION_METHODS.forEach(m -> methods.put(m, new Declared(Object.class, null, OPEN_REFLECTION)));
        }
    }

    /** The nearest declaration of {@code name} in {@code type} or a superclass that says who may call it. */
    private static Declared declaration(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && !m.isSynthetic()
                        && (m.isAnnotationPresent(RolesAllowed.class) || m.isAnnotationPresent(HostIdentity.class))) {
                    return new Declared(c, m, null);
                }
            }
        }
        return new Declared(type, null, null);
    }

    /** Every served method by full name. */
    public Map<String, Declared> all() {
        return Map.copyOf(methods);
    }

    /** The declaration for a served method; a method not served has none. */
    public Declared of(String fullMethodName) {
        return methods.getOrDefault(fullMethodName, new Declared(Object.class, null, null));
    }
}
