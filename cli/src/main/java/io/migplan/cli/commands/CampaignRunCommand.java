package io.migplan.cli.commands;

import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code migplan campaign run <id> --executor simulator|libvirt|command …}: this process
 * becomes the campaign's orchestrator until the campaign ends ({@link DrivingCommand#drive}), then
 * prints a summary; the exit code says how it ended. Ctrl-C stops asking for work and lets what
 * runs finish.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Drive a RUNNING campaign to its end as its orchestrator: perform the migrations and upgrades"
                + " the scheduler issues through an executor, report each, until the campaign is COMPLETED (or"
                + " otherwise ends). A PAUSED campaign is waited on until resumed.",
                "Migrations issued before this run (after a restart) are not performed again: the scheduler settles"
                        + " them at their deadline from what the agents see. Ctrl-C stops asking for work and lets"
                        + " migrations in flight finish (--grace), then exits."})
public final class CampaignRunCommand extends DrivingCommand {

    @Parameters(paramLabel = "ID", description = "The campaign (or evacuation).")
    String id;

    @Override
    protected ExitCode call(ApiClient client) {
        checkOptions();
        return drive(client, id);
    }
}
