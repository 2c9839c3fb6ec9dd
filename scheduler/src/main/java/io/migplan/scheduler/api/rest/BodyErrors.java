package io.migplan.scheduler.api.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.migplan.scheduler.error.Texts;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sentence for a request body Jackson could not read: the field as the caller wrote it (a JSON
 * path like {@code policy.maxParallel} or {@code hosts[1]}) and what belongs there, or where
 * malformed JSON stops being JSON. Never Jackson's own text, which names Java classes.
 */
final class BodyErrors {

    private BodyErrors() {
    }

    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u.getPath());
            Collection<Object> known = u.getKnownPropertyIds();
            return field + " is not a field of this request"
                    + (known == null || known.isEmpty() ? "" : "; its fields are " + new TreeSet<>(
                            known.stream().map(String::valueOf).toList()));
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return path(m.getPath()) + " must be " + expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            Throwable cause = m.getCause();
            String why = cause instanceof InputCoercionException ? "a whole number in range" : "a valid value";
            return path(m.getPath()) + " must be " + why;
        }
        if (e instanceof InputCoercionException) {
            return "a number in the body is out of range" + at(e.getLocation());
        }
        if (e instanceof MismatchedInputException m) {
            return "the body must be " + expected(m.getTargetType());
        }
        return "the body is not valid JSON" + at(e.getLocation());
    }

    /** {@code policy.maxParallel}, {@code hosts[1]}: as the caller wrote the field. */
    static String path(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(Texts.escaped(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "the body" : out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of the right type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a value of the right type";
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
