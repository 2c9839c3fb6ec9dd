package io.migplan.scheduler.error;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.annotation.Annotation;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Constraint violations as the sentence an {@code INVALID_ARGUMENT} carries: the field as the
 * caller wrote it, the rule and the value given, as in {@code "policy.maxParallel must be at
 * least 1, got 0"}; several are sorted by field and joined with "; ". REST and gRPC answer with
 * the same sentence.
 */
public final class Violations {

    /** Longer strings are cut in the answer: the caller knows what was sent. */
    private static final int SHOWN_CHARS = 64;

    private Violations() {
    }

    public static String describe(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(Violations::describe).sorted().distinct().collect(Collectors.joining("; "));
    }

    /** True when a method's answer broke its contract: the scheduler's fault, not the caller's. */
    public static boolean onReturnValue(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().anyMatch(v -> StreamSupport.stream(v.getPropertyPath().spliterator(), false)
                .anyMatch(n -> n.getKind() == ElementKind.RETURN_VALUE));
    }

    static String describe(ConstraintViolation<?> v) {
        String field = field(v.getPropertyPath());
        Class<? extends Annotation> rule = v.getConstraintDescriptor().getAnnotation().annotationType();
        boolean absent = rule == NotNull.class || rule == NotBlank.class || rule == NotEmpty.class;
        String given = absent ? null : shown(v.getInvalidValue());
        return field + " " + v.getMessage() + (given == null ? "" : ", got " + given);
    }

    /**
     * The field as a JSON path from the request's root ({@code policy.maxParallel},
     * {@code hosts[1]}); a method's name and a body parameter's name are left out, and a
     * parameter that is itself the subject (a query parameter, a missing body) is named.
     */
    static String field(Path path) {
        StringBuilder out = new StringBuilder();
        String parameter = null;
        for (Path.Node n : path) {
            if (n.isInIterable()) {
                out.append('[').append(n.getIndex() != null ? n.getIndex() : Texts.escaped(String.valueOf(n.getKey())))
                        .append(']');
            }
            if (n.getKind() == ElementKind.PROPERTY) {
                out.append(out.isEmpty() ? "" : ".").append(n.getName());
            } else if (n.getKind() == ElementKind.PARAMETER) {
                parameter = n.getName();
            }
        }
        if (!out.isEmpty()) {
            return out.toString();
        }
        return parameter == null ? "request" : parameter;
    }

    private static String shown(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof CharSequence s) {
            String text = s.length() > SHOWN_CHARS ? s.subSequence(0, SHOWN_CHARS) + "…" : s.toString();
            return "'" + Texts.escaped(text) + "'";
        }
        return null; // a list, a map or a whole object: the rule says what is wrong with it
    }
}
