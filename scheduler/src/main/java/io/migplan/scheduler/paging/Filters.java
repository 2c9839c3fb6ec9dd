package io.migplan.scheduler.paging;

import io.migplan.scheduler.error.InvalidRequestException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The filters of a listing as a query string gives them: an enum's name in any case, a whole
 * number. A value that is none of what a filter takes is refused naming the parameter and the
 * values it takes.
 */
public final class Filters {

    private Filters() {
    }

    /** {@code value} as one of {@code type}'s constants (any case, blanks around ignored); null when absent. */
    public static <E extends Enum<E>> E oneOf(String parameter, String value, Class<E> type) {
        if (value == null) {
            return null;
        }
        String v = value.strip().toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(v)) {
                return e;
            }
        }
        throw new InvalidRequestException(parameter + " is not one of " + Arrays.toString(type.getEnumConstants())
                + ", got '" + shown(value) + "'");
    }

    /** {@code value} as a whole number of at least 0; null when absent. */
    public static Integer count(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidRequestException(parameter + " must be a whole number, 0 or more, got '" + shown(value) + "'");
    }

    /** {@code value} without blanks around it; null when absent, refused when empty. */
    public static String text(String parameter, String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            throw new InvalidRequestException(parameter + " is empty; leave it out to list every one");
        }
        return v;
    }

    static String shown(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }
}
