package io.migplan.cli.commands;

import io.migplan.cli.ExitCode;
import io.migplan.cli.run.CampaignDriver;

/** Lets tests of other packages read how a run's end maps to its exit code. */
public final class CampaignRunCommandAccess {

    private CampaignRunCommandAccess() {
    }

    public static ExitCode exitCode(CampaignDriver.Outcome o) {
        return CampaignRunCommand.exitCode(o);
    }
}
