package io.migplan.scheduler.error;

/**
 * The one rule for text that arrives from outside (agent reports, request bodies, path and query
 * parameters, gRPC fields): at most a given number of characters and no control characters.
 * PostgreSQL refuses a NUL in text, a newline forges a log line and an unbounded string is memory
 * anyone can spend; each is refused with a sentence naming the field, before anything is written.
 * Text that must be logged goes through {@link #escaped}.
 */
public final class Texts {

    /** Host, VM, plan and campaign ids: a DNS name's 253 characters is the longest any real fleet uses. */
    public static final int MAX_ID = 253;
    /** Releases, boards, drivers, types, labels, groups: short names. */
    public static final int MAX_NAME = 256;
    /** Sentences: admin-state reasons, problem texts, descriptions, attribute values. */
    public static final int MAX_TEXT = 4096;

    private Texts() {
    }

    /**
     * What is wrong with {@code value} as the text of {@code field}, as a sentence starting with
     * the field ({@code "snapshot.vms[2].name contains a control character (U+0000) at 3"}), or
     * null when it may be taken. A null value is not this rule's concern.
     */
    public static String problem(String field, String value, int maxLength) {
        String why = problem(value, maxLength);
        return why == null ? null : field + " " + why;
    }

    /** As {@link #problem(String, String, int)}, without the field: "is 300 characters long, at most 253". */
    public static String problem(String value, int maxLength) {
        return check(value, maxLength, false);
    }

    /**
     * The rule for the contents of a file as read (a sysfs description of several lines, an
     * attribute with its trailing newline): line breaks and tabs are taken, any other control
     * character (a NUL above all) is not.
     */
    public static String fileProblem(String field, String value, int maxLength) {
        String why = check(value, maxLength, true);
        return why == null ? null : field + " " + why;
    }

    private static String check(String value, int maxLength, boolean lines) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            return "is " + value.length() + " characters long, at most " + maxLength;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(lines && (c == '\n' || c == '\r' || c == '\t'))) {
                return "contains a control character (" + String.format("U+%04X", (int) c) + ") at " + i;
            }
        }
        return null;
    }

    /**
     * {@code value} fit for one log line: control characters as {@code \n}, {@code \t} or
     * {@code \\uXXXX}, a backslash doubled, so what a caller sent can never forge a line.
     */
    public static String escaped(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\\' -> "\\\\";
                default -> Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? value : out.toString();
    }
}
