package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Table;
import io.migplan.cli.output.Units;
import io.migplan.cli.run.CampaignKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migplan campaign …}: rolling-upgrade campaigns. */
@Command(name = "campaign", mixinStandardHelpOptions = true, description = "Rolling-upgrade campaigns.",
        subcommands = {CampaignCommand.Create.class, CampaignCommand.Get.class, CampaignCommand.ListAll.class,
                CampaignCommand.Pause.class, CampaignCommand.Resume.class, CampaignCommand.Abort.class,
                CampaignRunCommand.class, CampaignWatchCommand.class, CampaignRollbackCommand.class})
public final class CampaignCommand {

    /** States a campaign ends in, or rests in until someone acts. */
    static final Set<String> SETTLED = Set.of("DRY_RUN", "RUNNING", "PAUSED", "COMPLETED", "ABORTED", "FAILED");

    /**
     * Polls campaign {@code id} (an upgrade or an evacuation) every {@code every} until it is no
     * longer PLANNING, showing {@code progress} on {@code err} (nothing when null) meanwhile, and
     * returns its summary then. It reads the summary ({@code ?view=summary}), which counts the
     * migrations instead of listing them, so a poll costs the same whatever the plan's size.
     */
    static ApiClient.Answer awaitPlan(ApiClient client, String id, Duration every,
            Function<JsonNode, String> progress, PrintWriter err) {
        return Polling.until(client, ApiClient.path("/api/v1/campaigns/{}", id) + "?view=summary",
                c -> !"PLANNING".equals(Json.text(c, "state")), every, progress, err);
    }

    /**
     * {@code migplan campaign create}: plan a rolling upgrade (in the background); with {@code --wait},
     * wait for the plan and print it.
     */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Plan a rolling upgrade of hosts (named, selected by label, or every host at --from).",
                    "With --rollback, a campaign back from the new release (--from) to the old one (--to): each"
                            + " host is emptied onto hosts at the old release whose agents answered COMPATIBLE for"
                            + " each VM's state (asked first), then handed out to be downgraded."})
    static final class Create extends ApiCommand {

        /** Between two polls of a campaign being planned. */
        static final Duration POLL = Duration.ofMillis(500);

        @Option(names = "--from", required = true, paramLabel = "RELEASE",
                description = "The release upgraded from (the new one, for --rollback).")
        String fromRelease;
        @Option(names = "--to", required = true, paramLabel = "RELEASE",
                description = "The release upgraded to (the old one, for --rollback).")
        String toRelease;
        @Option(names = "--hosts", split = ",", paramLabel = "HOST", description = "Hosts in scope (comma-separated or repeated).")
        List<String> hosts;
        @Option(names = "--selector", paramLabel = "LABEL=VALUE", description = "Hosts whose labels match (repeatable).")
        Map<String, String> selector;
        @Option(names = "--max-hosts-in-maintenance", paramLabel = "N|P%", description = "A count (4) or a share (10%).")
        String maxHostsInMaintenance;
        @Option(names = "--max-per-failure-domain", paramLabel = "N")
        Integer maxPerFailureDomain;
        @Option(names = "--max-outbound-per-host", paramLabel = "N")
        Integer maxOutboundPerHost;
        @Option(names = "--max-inbound-per-host", paramLabel = "N")
        Integer maxInboundPerHost;
        @Option(names = "--max-parallel", paramLabel = "N", description = "Migrations at once, cluster-wide.")
        Integer maxParallel;
        @Option(names = "--headroom-percent", paramLabel = "P")
        Integer headroomPercent;
        @Option(names = "--allow-backward", description = "Allow moves to an older release where a probe says yes.")
        Boolean allowBackward;
        @Option(names = "--time-limit", paramLabel = "SECONDS", description = "How long the plan may be solved.")
        Integer timeLimitSeconds;
        @Option(names = "--migration-timeout", paramLabel = "SECONDS",
                description = "How long an issued migration may run before the scheduler settles it (10..86400).")
        Integer migrationTimeoutSeconds;
        @Option(names = "--rollback", description = "A campaign back to an older release: --to must be older than"
                + " --from. Without it an older --to is refused.")
        boolean rollback;
        @Option(names = "--dry-run", description = "A plan to read only: nothing is reserved or issued.")
        boolean dryRun;
        @Option(names = "--wait", description = "Wait until the plan is made and print the campaign.")
        boolean waitForIt;

        @Override
        protected ExitCode call(ApiClient client) {
            if (hosts != null && !hosts.isEmpty() && selector != null && !selector.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "give --hosts or --selector, not both");
            }
            ApiClient.Answer accepted = client.post("/api/v1/campaigns", body());
            String id = accepted.json().path("id").asText();
            if (!waitForIt) {
                print(accepted, c -> "campaign " + id + " " + Json.text(c, "state")
                        + " (planned in the background: migplan campaign get " + id + ")\n");
                return ExitCode.OK;
            }
            awaitPlan(client, id, POLL, Create::planning, format() == Format.text ? err() : null);
            ApiClient.Answer planned = client.get(ApiClient.path("/api/v1/campaigns/{}", id));
            print(planned, CampaignCommand::render);
            return "FAILED".equals(Json.text(planned.json(), "state")) ? ExitCode.NOT_DONE : ExitCode.OK;
        }

        Map<String, Object> body() {
            Map<String, Object> policy = new LinkedHashMap<>();
            PlanCommand.putIfSet(policy, "maxHostsInMaintenance", maxHostsInMaintenance);
            PlanCommand.putIfSet(policy, "maxPerFailureDomain", maxPerFailureDomain);
            PlanCommand.putIfSet(policy, "maxOutboundPerHost", maxOutboundPerHost);
            PlanCommand.putIfSet(policy, "maxInboundPerHost", maxInboundPerHost);
            PlanCommand.putIfSet(policy, "maxParallel", maxParallel);
            PlanCommand.putIfSet(policy, "headroomPercent", headroomPercent);
            PlanCommand.putIfSet(policy, "allowBackward", allowBackward);
            PlanCommand.putIfSet(policy, "timeLimitSeconds", timeLimitSeconds);
            PlanCommand.putIfSet(policy, "migrationTimeoutSeconds", migrationTimeoutSeconds);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("fromRelease", fromRelease);
            body.put("toRelease", toRelease);
            if (hosts != null && !hosts.isEmpty()) {
                body.put("hosts", hosts);
            }
            if (selector != null && !selector.isEmpty()) {
                body.put("selector", selector);
            }
            if (!policy.isEmpty()) {
                body.put("policy", policy);
            }
            body.put("dryRun", dryRun);
            if (rollback) {
                body.put("rollback", true);
            }
            return body;
        }

        static String planning(JsonNode c) {
            JsonNode p = c.path("planning");
            return "campaign " + Json.text(c, "id") + " planning: "
                    + Units.duration(Duration.ofMillis(p.path("elapsedMillis").asLong()))
                    + (p.path("waiting").asBoolean() ? ", waiting for a solver" : "")
                    + ", " + p.path("evacuations").asInt() + " batch evacuations solved"
                    + (p.path("phase").asText("").isBlank() ? "" : " (" + p.get("phase").asText() + ")");
        }
    }

    /** {@code migplan campaign get <id>}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "A campaign: state, batches, progress, history.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        protected ExitCode call(ApiClient client) {
            print(client.get(ApiClient.path("/api/v1/campaigns/{}", id)), CampaignCommand::render);
            return ExitCode.OK;
        }
    }

    /** {@code migplan campaign list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every campaign, newest first.")
    static final class ListAll extends ApiCommand {
        @Override
        protected ExitCode call(ApiClient client) {
            print(client.get("/api/v1/campaigns"), list -> {
                Table t = new Table("CAMPAIGN", "STATE", "FROM", "TO", "CREATED");
                for (JsonNode c : Json.items(list)) {
                    t.row(Json.text(c, "id"), Json.text(c, "state"), Json.text(c, "fromRelease"),
                            Json.text(c, "toRelease"), Json.text(c, "createdAt"));
                }
                return t.render() + t.size() + (t.size() == 1 ? " campaign\n" : " campaigns\n");
            });
            return ExitCode.OK;
        }
    }

    /** A change of a campaign's state by an operator: POST {@code …/{id}/<verb>}, print the new state. */
    abstract static class StateChange extends ApiCommand {
        @Parameters(paramLabel = "ID")
        String id;

        abstract String verb();

        @Override
        protected ExitCode call(ApiClient client) {
            print(client.post(ApiClient.path("/api/v1/campaigns/{}/" + verb(), id), null),
                    c -> "campaign " + Json.text(c, "id") + " " + Json.text(c, "state") + "\n");
            return ExitCode.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Hand out nothing new until resumed; reports of work in flight are still taken.")
    static final class Pause extends StateChange {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Go on with a paused campaign.")
    static final class Resume extends StateChange {
        @Override
        String verb() {
            return "resume";
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Stop for good: planned migrations cancelled, reservations released, VMs stay where they run.")
    static final class Abort extends StateChange {
        @Override
        String verb() {
            return "abort";
        }
    }

    /** How many history events {@code campaign get} shows (the JSON has them all). */
    static final int HISTORY_SHOWN = 8;

    /** A campaign for a person: one line of state, progress, plan figures, batches, and what blocks it. */
    static String render(JsonNode c) {
        StringBuilder out = new StringBuilder();
        CampaignKind kind = CampaignKind.of(c);
        String reason = Json.text(c, "reason");
        out.append(kind.noun()).append(' ').append(Json.text(c, "id")).append(' ')
                .append(Json.text(c, "state")).append(": ")
                .append(kind == CampaignKind.EVACUATION
                        ? "to maintenance" + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")")
                        : Json.text(c, "fromRelease") + " -> " + Json.text(c, "toRelease")
                                + (kind == CampaignKind.ROLLBACK ? " (rollback)" : ""))
                .append(", plan v").append(c.path("planVersion").asInt())
                .append(c.path("dryRun").asBoolean() ? " (dry run)" : "").append('\n');
        if (c.hasNonNull("failure")) {
            out.append("failure: ").append(c.get("failure").asText()).append('\n');
        }
        if (c.hasNonNull("replanPending")) {
            out.append("re-plan pending: ").append(c.get("replanPending").asText()).append('\n');
        }
        JsonNode p = c.path("progress");
        if (p.isObject()) {
            out.append(String.format(java.util.Locale.ROOT,
                    "progress: %d/%d %s, %d migrations done, %d failed, %d in flight, %.2f per VM%n",
                    p.path("hostsDone").asInt(), p.path("hosts").asInt(), kind.hostsDone(), p.path("migrationsDone").asInt(),
                    p.path("migrationsFailed").asInt(), p.path("inFlight").asInt(), p.path("migrationsPerVm").asDouble()));
        }
        JsonNode m = c.path("metrics");
        if (m.isObject()) {
            out.append(String.format(java.util.Locale.ROOT,
                    "plan: %d VMs, %d migrations (%.2f per VM, %d moved twice), %d batches, %d waves;"
                            + " naive order: %d migrations (%.2f per VM)%n",
                    m.path("vms").asInt(), m.path("migrations").asInt(), m.path("migrationsPerVm").asDouble(),
                    m.path("movedTwice").asInt(), m.path("batches").asInt(), m.path("waves").asInt(),
                    m.path("naive").path("migrations").asInt(), m.path("naive").path("migrationsPerVm").asDouble()));
        }
        Table b = new Table("BATCH", "STATE", "HOSTS", "MIGRATIONS>");
        for (JsonNode batch : Json.items(c, "batches")) {
            int done = 0;
            int all = 0;
            for (JsonNode mig : Json.items(batch, "migrations")) {
                all++;
                if ("DONE".equals(Json.text(mig, "state"))) {
                    done++;
                }
            }
            List<String> hosts = Json.texts(batch, "hosts");
            String shown = hosts.size() <= 6 ? String.join(",", hosts)
                    : String.join(",", hosts.subList(0, 5)) + ",… (" + hosts.size() + ")";
            b.row(batch.path("index").asInt() + (batch.path("canary").asBoolean() ? " canary" : ""),
                    Json.text(batch, "state"), shown, done + "/" + all);
        }
        if (b.size() > 0) {
            out.append(b.render());
        }
        notes(out, "unmovable", c.get("unmovable"), "vm");
        notes(out, "blocked", c.get("blocked"), "host");
        notes(out, "held back", c.get("heldBack"), "host");
        notes(out, "waiting", c.get("waiting"), "host");
        List<JsonNode> history = new ArrayList<>();
        Json.items(c, "history").forEach(history::add);
        if (!history.isEmpty()) {
            out.append("history (last ").append(Math.min(HISTORY_SHOWN, history.size())).append(" of ")
                    .append(history.size()).append("):\n");
            for (JsonNode e : history.subList(Math.max(0, history.size() - HISTORY_SHOWN), history.size())) {
                out.append("  ").append(Json.text(e, "at")).append(' ').append(Json.text(e, "kind")).append(": ")
                        .append(Json.text(e, "message")).append('\n');
            }
        }
        return out.toString();
    }

    private static void notes(StringBuilder out, String title, JsonNode notes, String subject) {
        for (JsonNode n : Json.items(notes)) {
            out.append(title).append(": ").append(Json.text(n, subject)).append(": ").append(Json.reasons(n.get("reasons")))
                    .append('\n');
        }
    }
}
