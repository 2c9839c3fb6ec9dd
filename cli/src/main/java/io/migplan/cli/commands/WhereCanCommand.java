package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Table;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migplan where-can <vm>}: where a VM can move now. By default the summary form (the
 * decision, the best candidates, rejected hosts counted by code: small and fast at any fleet
 * size); {@code --full} lists every host with the sentence that rules it out.
 */
@Command(name = "where-can", mixinStandardHelpOptions = true,
        description = "Where a VM can move, and why not elsewhere (summary; --full for every host).")
public final class WhereCanCommand extends ApiCommand {

    @Parameters(paramLabel = "VM", description = "The VM's UUID or name.")
    String vm;

    @Option(names = "--full", description = "Every host: candidates and each rejected host with its reasons.")
    boolean full;

    @Option(names = "--limit", paramLabel = "N", description = "Candidates the summary lists, 1..100 (default 10).")
    Integer limit;

    @Override
    protected ExitCode call(ApiClient client) {
        if (full && limit != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--limit applies to the summary only; --full lists every host");
        }
        if (limit != null && (limit < 1 || limit > 100)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--limit must be from 1 to 100, got " + limit);
        }
        String path = ApiClient.path("/api/v1/vms/{}/targets", vm)
                + (full ? "" : "?view=summary" + (limit == null ? "" : "&limit=" + limit));
        print(client.get(path), full ? WhereCanCommand::renderFull : WhereCanCommand::renderSummary);
        return ExitCode.OK;
    }

    static String renderSummary(JsonNode s) {
        StringBuilder out = new StringBuilder();
        out.append(Json.text(s, "summary")).append('\n');
        out.append(candidates(s));
        StringBuilder rejected = new StringBuilder();
        for (JsonNode c : Json.items(s, "rejectedByCode")) {
            rejected.append(rejected.length() == 0 ? "" : ", ").append(c.path("hosts").asInt()).append(' ')
                    .append(Json.text(c, "code"));
        }
        if (rejected.length() > 0) {
            out.append("rejected: ").append(rejected).append('\n');
        }
        return out.toString();
    }

    static String renderFull(JsonNode s) {
        StringBuilder out = new StringBuilder();
        out.append(Json.text(s, "summary")).append('\n');
        out.append(candidates(s));
        Table t = new Table("REJECTED", "REASONS");
        for (JsonNode r : Json.items(s, "rejected")) {
            t.row(Json.text(r, "host"), Json.reasons(r.get("reasons")));
        }
        if (t.size() > 0) {
            out.append('\n').append(t.render());
        }
        return out.toString();
    }

    private static String candidates(JsonNode s) {
        Table t = new Table("CANDIDATE", "DEVICE", "SCORE>");
        for (JsonNode c : Json.items(s, "candidates")) {
            t.row(Json.text(c, "host"), Json.text(c, "device"),
                    String.format(Locale.ROOT, "%.2f", c.path("score").asDouble()));
        }
        return t.size() == 0 ? "" : t.render();
    }
}
