package io.migplan.scheduler.auth;

import io.grpc.BindableService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;

/**
 * The name an operation goes by in refusals and the audit: {@code POST /api/v1/campaigns/{id}/abort}
 * for a REST resource method, {@code migplan.v1.CampaignService/AbortCampaign} for a gRPC service
 * method, read from the method's own declarations.
 */
public final class Operations {

    private Operations() {
    }

    /**
     * The operation {@code method} of {@code type} (the user's class, not a proxy's) serves. Read on
     * refusals and audited calls only, a few annotation lookups each: nothing is kept.
     */
    public static String name(Class<?> type, Method method) {
        String http = httpMethod(method);
        if (http != null) {
            return http + " " + restPath(type, method);
        }
        String service = grpcService(type);
        if (service != null) {
            return service + "/" + Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
        }
        return type.getSimpleName() + "." + method.getName();
    }

    static String httpMethod(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        if (method.isAnnotationPresent(PATCH.class)) {
            return "PATCH";
        }
        return method.isAnnotationPresent(HEAD.class) ? "HEAD" : null;
    }

    static String restPath(Class<?> type, Method method) {
        Path base = type.getAnnotation(Path.class);
        Path own = method.getAnnotation(Path.class);
        String path = (base == null ? "" : base.value());
        if (own != null) {
            path = path.replaceAll("/+$", "") + "/" + own.value().replaceAll("^/+", "");
        }
        return path.startsWith("/") ? path : "/" + path;
    }

    /** The full name of the gRPC service {@code type} implements ({@code migplan.v1.CampaignService}), or null. */
    static String grpcService(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (BindableService.class.isAssignableFrom(c) && c.getEnclosingClass() != null) {
                try {
                    return (String) c.getEnclosingClass().getField("SERVICE_NAME").get(null);
                } catch (ReflectiveOperationException e) {
                    // not a generated stub's base: look further up
                }
            }
        }
        return null;
    }
}
