package io.migplan.scheduler.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard (deploy/grafana/migplan.json): the PromQL of every panel's targets, and
 * the metric names those queries read.
 */
final class DashboardQueries {

    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "migplan.json");

    private static final Pattern LABELS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRINGS = Pattern.compile("\"[^\"]*\"");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan");

    private DashboardQueries() {
    }

    /** Every {@code targets[].expr} of every panel, rows' nested panels included. */
    static List<String> expressions(Path dashboard) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        List<String> out = new ArrayList<>();
        collect(root.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(target.get("expr").asText());
                }
            }
            collect(panel.path("panels"), out);
        }
    }

    /**
     * The metric names {@code expr} reads: identifiers left once label matchers, ranges, grouping
     * clauses and strings are removed, other than functions (followed by a parenthesis), keywords
     * and numbers.
     */
    static Set<String> metrics(String expr) {
        String bare = STRINGS.matcher(expr).replaceAll("");
        bare = LABELS.matcher(bare).replaceAll(" ");
        bare = RANGES.matcher(bare).replaceAll(" ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(bare);
        while (m.find()) {
            if (m.group(1) == null && !KEYWORDS.contains(m.group().toLowerCase())) {
                out.add(m.group());
            }
        }
        return out;
    }
}
