package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migplan campaign rollback <id> [--probe]}: the campaign's way back (GET {@code …/rollback}):
 * per batch and in total, how many VMs on the new release could go back to a host at the old one,
 * how many cannot and why, how many nobody has answered for, and the batch after which a rollback
 * would strand VMs. With {@code --probe}, first asks the old hosts' agents the backward questions
 * nobody has answered yet (POST {@code …/rollback/probe}, as operator), as often as the scheduler
 * says some are still unasked.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "How many VMs on the new release could still go back to a host at the old release.")
final class CampaignRollbackCommand extends ApiCommand {

    /** Probe calls at most: each asks up to 16 hosts about one batch, so this covers 50 batches. */
    static final int MAX_PROBE_CALLS = 50;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--probe", description = "First ask the old hosts' agents the backward questions nobody has answered"
            + " (operator role); without it nothing is asked and unanswered VMs count as unknown.")
    boolean probe;

    @Override
    protected ExitCode call(ApiClient client) {
        if (probe) {
            for (int call = 0; call < MAX_PROBE_CALLS; call++) {
                JsonNode p = client.post(ApiClient.path("/api/v1/campaigns/{}/rollback/probe", id), null).json();
                if (format() == Format.text) {
                    err().print(probed(p));
                    err().flush();
                }
                if (p.path("stillUnasked").asInt() == 0 || p.path("asked").asInt() == 0) {
                    break;
                }
            }
        }
        print(client.get(ApiClient.path("/api/v1/campaigns/{}/rollback", id)), CampaignRollbackCommand::render);
        return ExitCode.OK;
    }

    /** One probe call's answer: hosts asked, verdicts stored, hosts that did not answer and why. */
    static String probed(JsonNode p) {
        StringBuilder out = new StringBuilder().append("asked ").append(p.path("asked").asInt())
                .append(" hosts, stored ").append(p.path("stored").asInt()).append(" verdicts, ")
                .append(p.path("stillUnasked").asInt()).append(" questions still unasked\n");
        for (JsonNode f : Json.items(p, "failed")) {
            out.append("  ").append(Json.text(f, "host")).append(" did not answer: ").append(Json.text(f, "why"))
                    .append('\n');
        }
        return out.toString();
    }

    /** The way back for a person: a table per batch and in total, where it strands, the VMs listed. */
    static String render(JsonNode r) {
        StringBuilder out = new StringBuilder().append("campaign ").append(Json.text(r, "campaign")).append(' ')
                .append(Json.text(r, "state")).append(": back from ").append(Json.text(r, "toRelease")).append(" to ")
                .append(Json.text(r, "fromRelease")).append(", ").append(r.path("oldHosts").asInt())
                .append(" hosts at the old release take VMs\n");
        Table t = new Table("BATCH", "VMS>", "POSSIBLE>", "CANNOT>", "INCOMPATIBLE>", "NO ROOM>", "UNKNOWN>");
        for (JsonNode b : Json.items(r, "batches")) {
            row(t, String.valueOf(b.path("batch").asInt()), b.path("figures"));
        }
        row(t, "total", r.path("total"));
        out.append(t.render());
        out.append(r.hasNonNull("strandsAfterBatch")
                ? "a rollback after batch " + r.get("strandsAfterBatch").asInt() + " or later would strand VMs\n"
                : "no batch so far strands a VM on a rollback\n");
        if (r.hasNonNull("unknownFromBatch")) {
            out.append("unknown from batch ").append(r.get("unknownFromBatch").asInt())
                    .append(": no agent has answered yet (migplan campaign rollback --probe asks)\n");
        }
        Table vms = new Table("VM", "HOST", "BATCH>", "VERDICT", "WHY");
        for (JsonNode v : Json.items(r, "vms")) {
            vms.row(Json.text(v, "vm"), Json.text(v, "host"), String.valueOf(v.path("batch").asInt()),
                    Json.text(v, "verdict"), Json.reasons(v.get("reasons")));
        }
        if (vms.size() > 0) {
            out.append(vms.render());
        }
        if (r.path("vmsNotListed").asInt() > 0) {
            out.append("… and ").append(r.get("vmsNotListed").asInt()).append(" more VMs (-o json has the figures)\n");
        }
        JsonNode range = r.path("versionRange");
        if (range.isObject()) {
            out.append(range.path("known").asBoolean()
                    ? "versions on upgraded hosts that keep the way back open: " + Json.text(range, "range") + "\n"
                    : "version range: " + Json.text(range, "why") + "\n");
        }
        return out.toString();
    }

    private static void row(Table t, String label, JsonNode f) {
        t.row(label, String.valueOf(f.path("vms").asInt()), String.valueOf(f.path("possible").asInt()),
                String.valueOf(f.path("cannot").asInt()), String.valueOf(f.path("incompatible").asInt()),
                String.valueOf(f.path("noRoom").asInt()), String.valueOf(f.path("unknown").asInt()));
    }
}
