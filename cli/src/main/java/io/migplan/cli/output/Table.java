package io.migplan.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compact table for a terminal: a header and rows, each column as wide as its widest cell, two
 * spaces between columns, no trailing blanks. Numbers are right-aligned when a column is declared
 * so with a trailing {@code >} in its header ({@code "VMS>"}).
 */
public final class Table {

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].endsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
    }

    /** Adds a row; a null cell prints as {@code -}. */
    public Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + headers.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : oneLine(String.valueOf(c))).toArray(String[]::new));
        return this;
    }

    public int size() {
        return rows.size();
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    /** The table, one line per row after the header, each ending in a newline. */
    public String render() {
        return render(true, new int[headers.length]);
    }

    /**
     * The rows, after the header when {@code header}, each column as wide as its widest cell and at
     * least {@code width} says; {@code width} is left holding the widths used. A list printed a page
     * at a time passes the same array to every page's table, so columns only ever widen.
     */
    public String render(boolean header, int[] width) {
        for (int i = 0; i < headers.length; i++) {
            width[i] = Math.max(width[i], headers[i].length());
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (header) {
            line(out, headers, width);
        }
        rows.forEach(r -> line(out, r, width));
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            l.append(right[i] ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }
}
