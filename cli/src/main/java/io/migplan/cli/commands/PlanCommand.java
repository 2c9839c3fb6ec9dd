package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Table;
import io.migplan.cli.output.Units;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migplan plan …}: evacuation plans. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Evacuation plans.",
        subcommands = PlanCommand.Evacuate.class)
public final class PlanCommand {

    /**
     * {@code migplan plan evacuate <host>… [--wait]}: asks for a plan emptying the hosts; with
     * {@code --wait}, polls it until it is no longer SOLVING, showing the solver's progress, and
     * prints it (exit {@link ExitCode#NOT_DONE} unless READY).
     */
    @Command(name = "evacuate", mixinStandardHelpOptions = true,
            description = "Plan how to empty hosts (every VM placed, or listed with reasons).")
    static final class Evacuate extends ApiCommand {

        /** Between two polls of a solving plan: the solver reports progress about this often. */
        static final Duration POLL = Duration.ofMillis(500);

        @Parameters(arity = "1..*", paramLabel = "HOST", description = "The hosts to empty.")
        List<String> hosts;

        @Option(names = "--max-outbound-per-host", paramLabel = "N")
        Integer maxOutboundPerHost;
        @Option(names = "--max-inbound-per-host", paramLabel = "N")
        Integer maxInboundPerHost;
        @Option(names = "--max-parallel", paramLabel = "N", description = "Migrations at once, cluster-wide.")
        Integer maxParallel;
        @Option(names = "--time-limit", paramLabel = "SECONDS", description = "How long the solver may take (1..600).")
        Integer timeLimitSeconds;

        @Option(names = "--wait", description = "Wait until the plan is solved and print it.")
        boolean waitForIt;

        @Override
        protected ExitCode call(ApiClient client) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("hosts", hosts);
            putIfSet(body, "maxOutboundPerHost", maxOutboundPerHost);
            putIfSet(body, "maxInboundPerHost", maxInboundPerHost);
            putIfSet(body, "maxParallel", maxParallel);
            putIfSet(body, "timeLimitSeconds", timeLimitSeconds);
            ApiClient.Answer accepted = client.post("/api/v1/plans/evacuation", body);
            String id = accepted.json().path("id").asText();
            if (!waitForIt) {
                print(accepted, j -> "plan " + id + " accepted; solving (migplan plan evacuate --wait, or GET /api/v1/plans/"
                        + id + ")\n");
                return ExitCode.OK;
            }
            ApiClient.Answer plan = Polling.until(client, ApiClient.path("/api/v1/plans/{}", id),
                    p -> !"SOLVING".equals(Json.text(p, "status")), POLL,
                    p -> "plan " + id + " solving: " + Units.duration(Duration.ofMillis(
                            p.path("progress").path("elapsedMillis").asLong())) + ", best score "
                            + p.path("progress").path("bestScore").asText("-"),
                    format() == Format.text ? err() : null);
            print(plan, PlanCommand::render);
            return "READY".equals(Json.text(plan.json(), "status")) ? ExitCode.OK : ExitCode.NOT_DONE;
        }
    }

    static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    static String render(JsonNode p) {
        StringBuilder out = new StringBuilder();
        JsonNode m = p.path("metrics");
        out.append("plan ").append(Json.text(p, "id")).append(' ').append(Json.text(p, "status"));
        if (!m.isMissingNode() && !m.isNull()) {
            out.append(": ").append(m.path("migrations").asInt()).append(" migrations in ")
                    .append(m.path("waves").asInt()).append(" waves, ").append(m.path("unplaced").asInt())
                    .append(" unplaced, ").append(m.path("hostsTouched").asInt()).append(" hosts touched, solved in ")
                    .append(Units.duration(Duration.ofMillis(m.path("solveMillis").asLong())));
        }
        out.append('\n');
        String error = Json.text(p, "error");
        if (error != null && !error.isBlank()) {
            out.append("error: ").append(error).append('\n');
        }
        Table t = new Table("WAVE>", "VM", "FROM", "TO", "DEVICE");
        for (JsonNode mig : Json.items(p, "migrations")) {
            t.row(mig.path("wave").asInt(), Json.text(mig, "vm"), Json.text(mig, "from"), Json.text(mig, "to"),
                    Json.text(mig, "device"));
        }
        if (t.size() > 0) {
            out.append(t.render());
        }
        Table u = new Table("UNPLACED", "FROM", "REASONS");
        for (JsonNode un : Json.items(p, "unplaced")) {
            u.row(Json.text(un, "vm"), Json.text(un, "from"), Json.reasons(un.get("reasons")));
        }
        if (u.size() > 0) {
            out.append(u.render());
        }
        return out.toString();
    }
}
