package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Units;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migplan host drain <host>… --executor …}: takes hosts out of placement for maintenance.
 * Creates an evacuation ({@code POST /api/v1/evacuations}), waits for its plan, and drives it as
 * its orchestrator with the loop {@code migplan campaign run} uses, until every host is empty and
 * in MAINTENANCE (or the evacuation otherwise ends). Where the VMs go is the scheduler's.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Empty hosts for maintenance and leave them in MAINTENANCE: plan an evacuation (their VMs go to"
                + " hosts outside them, as the placement rules allow), then drive it through an executor until every"
                + " host is proven empty.",
                "Ctrl-C stops asking for work; the evacuation goes on when driven again (migplan campaign run ID)."})
final class HostDrainCommand extends DrivingCommand {

    /** Between two polls of an evacuation being planned. */
    static final Duration POLL = Duration.ofMillis(500);

    @Parameters(paramLabel = "HOST", arity = "1..*", description = "The hosts to empty.")
    List<String> hosts;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; shown with each host in maintenance.")
    String reason;

    @Option(names = "--max-parallel", paramLabel = "N", description = "Migrations the scheduler issues at once.")
    Integer maxParallel;

    @Option(names = "--max-outbound-per-host", paramLabel = "N")
    Integer maxOutboundPerHost;

    @Option(names = "--max-inbound-per-host", paramLabel = "N")
    Integer maxInboundPerHost;

    @Override
    protected ExitCode call(ApiClient client) {
        checkOptions();
        ApiClient.Answer accepted = client.post("/api/v1/evacuations", body());
        String id = accepted.json().path("id").asText();
        if (format() == Format.text) {
            err().println("evacuation " + id + " of " + String.join(", ", hosts) + " accepted; planning");
            err().flush();
        }
        ApiClient.Answer planned = CampaignCommand.awaitPlan(client, id, POLL, HostDrainCommand::planning,
                format() == Format.text ? err() : null);
        if ("FAILED".equals(Json.text(planned.json(), "state"))) {
            print(client.get(ApiClient.path("/api/v1/campaigns/{}", id)), CampaignCommand::render);
            return ExitCode.NOT_DONE;
        }
        return drive(client, id);
    }

    Map<String, Object> body() {
        Map<String, Object> policy = new LinkedHashMap<>();
        PlanCommand.putIfSet(policy, "maxParallel", maxParallel);
        PlanCommand.putIfSet(policy, "maxOutboundPerHost", maxOutboundPerHost);
        PlanCommand.putIfSet(policy, "maxInboundPerHost", maxInboundPerHost);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hosts", hosts);
        if (reason != null) {
            body.put("reason", reason);
        }
        if (!policy.isEmpty()) {
            body.put("policy", policy);
        }
        return body;
    }

    static String planning(JsonNode c) {
        JsonNode p = c.path("planning");
        return "evacuation " + Json.text(c, "id") + " planning: "
                + Units.duration(Duration.ofMillis(p.path("elapsedMillis").asLong()))
                + (p.path("waiting").asBoolean() ? ", waiting for a solver" : "");
    }
}
