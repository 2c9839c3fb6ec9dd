package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Table;
import picocli.CommandLine.Command;

/**
 * {@code migplan evacuation …}: evacuations ({@code migplan host drain} creates and drives them).
 * An evacuation is a campaign of kind EVACUATION: {@code get} and {@code abort} are the campaign
 * commands' own, listed here under the word people look for.
 */
@Command(name = "evacuation", mixinStandardHelpOptions = true,
        description = "Evacuations: hosts emptied for maintenance (migplan host drain creates and drives them).",
        subcommands = {CampaignCommand.Get.class, EvacuationCommand.ListAll.class, CampaignCommand.Abort.class})
public final class EvacuationCommand {

    /** {@code migplan evacuation list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every evacuation, newest first.")
    static final class ListAll extends ApiCommand {
        @Override
        protected ExitCode call(ApiClient client) {
            print(client.get("/api/v1/evacuations"), list -> {
                Table t = new Table("EVACUATION", "STATE", "CREATED");
                for (JsonNode c : Json.items(list)) {
                    t.row(Json.text(c, "id"), Json.text(c, "state"), Json.text(c, "createdAt"));
                }
                return t.render() + t.size() + (t.size() == 1 ? " evacuation\n" : " evacuations\n");
            });
            return ExitCode.OK;
        }
    }
}
