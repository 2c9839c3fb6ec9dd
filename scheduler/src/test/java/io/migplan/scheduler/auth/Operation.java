package io.migplan.scheduler.auth;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** A REST operation of the scheduler, found by reflection over its JAX-RS resources. */
record Operation(Class<?> resource, Method method, String verb, String path) {

    /**
     * The only operations open to anyone: the console's sign-in page, signing in (a caller without a
     * session must be able to start one) and signing out (which forgets a cookie and changes nothing
     * on the server). Every other operation declares its roles.
     */
    static final Set<String> PUBLIC = Set.of("GET /console/login", "POST /console/login", "POST /console/logout");

    /** Every REST operation: the API's and the console's. */
    static List<Operation> rest() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.migplan.scheduler").stream()
                .filter(c -> c.isAnnotatedWith(Path.class)).map(c -> c.reflect())
                .flatMap(type -> Stream.of(type.getDeclaredMethods())
                        .filter(m -> Operations.httpMethod(m) != null)
                        .map(m -> new Operation(type, m, Operations.httpMethod(m), Operations.restPath(type, m))))
                .sorted(Comparator.comparing(Operation::toString)).toList();
    }

    /** The API's operations ({@code /api/...}): bearer tokens, JSON answers and refusals. */
    static List<Operation> api() {
        return rest().stream().filter(o -> o.path().startsWith("/api/")).toList();
    }

    /** The web console's operations ({@code /console/...}): session cookie, HTML answers, except {@link #PUBLIC}. */
    static List<Operation> console() {
        return rest().stream().filter(o -> o.path().startsWith("/console") && !o.isPublic()).toList();
    }

    boolean isPublic() {
        return PUBLIC.contains(toString());
    }

    /** The path with every parameter filled by a name nothing carries. */
    String concretePath() {
        return path.replaceAll("\\{[^}]+}", "no-such-thing");
    }

    boolean hasBody() {
        return Stream.of(method.getParameters()).anyMatch(p -> p.getType().isRecord());
    }

    @Override
    public String toString() {
        return verb + " " + path;
    }
}
