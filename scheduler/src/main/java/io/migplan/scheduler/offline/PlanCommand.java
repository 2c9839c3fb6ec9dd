package io.migplan.scheduler.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CountOrShare;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code java -jar quarkus-run.jar plan --fleet FILE evacuate HOST…} and {@code … plan --fleet FILE
 * campaign --from R1 --to R2 …}: plans on an exported fleet (docs/fleet-format.md) without a
 * database, agents or the service, and prints the plan on standard output as the API would answer
 * ({@code GET /api/v1/plans/{id}}: PlanView; a dry-run campaign's {@code GET /api/v1/campaigns/{id}}:
 * CampaignView). A file that cannot be planned on, an unknown host or a bad option is refused on
 * standard error with a sentence naming it, exit status 2. Nothing is written but the file's cache
 * beside it ({@link FleetCache}, which a repeated plan of the same file reads instead of the file;
 * {@code --no-cache} reads the file and writes nothing).
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Plan offline on an exported fleet file.",
        subcommands = {PlanCommand.Evacuate.class, PlanCommand.Campaign.class})
public final class PlanCommand {

    /** The status of a refused file, request or option. */
    static final int REFUSED = 2;

    @Option(names = "--fleet", required = true, description = "the fleet file (GET /api/v1/inventory/export)")
    Path fleet;

    @Option(names = "--pretty", description = "indent the JSON")
    boolean pretty;

    @Option(names = "--no-cache", description = "read the file itself, neither using nor writing its cache beside it"
            + " (FILE" + FleetCache.SUFFIX + ")")
    boolean noCache;

    private OfflinePlans.Settings settings = OfflinePlans.Settings.DEFAULTS;

    /** Runs {@code args} (starting after "plan") with the scheduler's {@code settings}; returns the exit status. */
    public static int run(OfflinePlans.Settings settings, PrintWriter out, PrintWriter err, String... args) {
        PlanCommand command = new PlanCommand();
        command.settings = settings;
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** The plans of the file, or a refusal printed and null. */
    OfflinePlans read(PrintWriter err) {
        try {
            Instant now = Instant.now();
            return new OfflinePlans(noCache ? FleetDocument.read(fleet, now) : FleetCache.read(fleet, now), settings);
        } catch (FleetDocument.InvalidFleetException e) {
            err.println(e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("--fleet: no file " + fleet);
        } catch (IOException e) {
            err.println("--fleet: " + fleet + " cannot be read: " + e.getMessage());
        }
        return null;
    }

    int print(PrintWriter out, Object view) {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        try {
            out.println(pretty ? json.writerWithDefaultPrettyPrinter().writeValueAsString(view)
                    : json.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the plan cannot be written as JSON: " + e.getMessage(), e);
        }
        return 0;
    }

    @Command(name = "evacuate", mixinStandardHelpOptions = true,
            description = "Plan emptying the hosts named, as POST /api/v1/plans/evacuation does.")
    static final class Evacuate implements Callable<Integer> {

        @ParentCommand
        PlanCommand parent;

        @Parameters(arity = "1..*", paramLabel = "HOST", description = "the hosts to empty")
        List<String> hosts;

        @Option(names = "--max-outbound-per-host", description = "migrations leaving one host at once")
        Integer maxOutboundPerHost;

        @Option(names = "--max-inbound-per-host", description = "migrations arriving at one host at once")
        Integer maxInboundPerHost;

        @Option(names = "--max-parallel", description = "migrations at once in the whole fleet")
        Integer maxParallel;

        @Option(names = "--time-limit", description = "seconds the solver may take at most (1.."
                + EvacuationRequest.MAX_TIME_LIMIT_SECONDS + ")")
        Integer timeLimitSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            String bad = atLeastOne("--max-outbound-per-host", maxOutboundPerHost)
                    + atLeastOne("--max-inbound-per-host", maxInboundPerHost)
                    + atLeastOne("--max-parallel", maxParallel) + atLeastOne("--time-limit", timeLimitSeconds);
            if (timeLimitSeconds != null && timeLimitSeconds > EvacuationRequest.MAX_TIME_LIMIT_SECONDS) {
                bad += "--time-limit must be at most " + EvacuationRequest.MAX_TIME_LIMIT_SECONDS + "; ";
            }
            if (!bad.isEmpty()) {
                err.println(bad.substring(0, bad.length() - 2));
                return REFUSED;
            }
            OfflinePlans plans = parent.read(err);
            if (plans == null) {
                return REFUSED;
            }
            try {
                return parent.print(spec.commandLine().getOut(), plans.evacuate(new EvacuationRequest(hosts,
                        maxOutboundPerHost, maxInboundPerHost, maxParallel, timeLimitSeconds), Instant.now()));
            } catch (RefusalException e) {
                err.println(e.getMessage());
                return REFUSED;
            }
        }
    }

    @Command(name = "campaign", mixinStandardHelpOptions = true,
            description = "Plan a rolling upgrade as a dry-run campaign (POST /api/v1/campaigns, dryRun) does.")
    static final class Campaign implements Callable<Integer> {

        @ParentCommand
        PlanCommand parent;

        @Option(names = "--from", required = true, description = "the release the hosts run now")
        String from;

        @Option(names = "--to", required = true, description = "the release to upgrade them to")
        String to;

        @Option(names = "--host", split = ",", description = "hosts to upgrade (default: every host at --from)")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--selector", split = ",", description = "label=value a host must carry (instead of --host)")
        Map<String, String> selector = new LinkedHashMap<>();

        @Option(names = "--max-hosts-in-maintenance", description = "a count, or a share of the hosts such as 10%")
        String maxHostsInMaintenance;

        @Option(names = "--max-per-failure-domain", description = "hosts of one failure domain in one batch")
        Integer maxPerFailureDomain;

        @Option(names = "--max-outbound-per-host", description = "migrations leaving one host at once")
        Integer maxOutboundPerHost;

        @Option(names = "--max-inbound-per-host", description = "migrations arriving at one host at once")
        Integer maxInboundPerHost;

        @Option(names = "--max-parallel", description = "migrations at once in the whole fleet")
        Integer maxParallel;

        @Option(names = "--headroom", description = "percent of each target kept free (0..99)")
        Integer headroomPercent;

        @Option(names = "--allow-backward", description = "allow moves to an older release where a probe said yes")
        boolean allowBackward;

        @Option(names = "--rollback", description = "a campaign back to an older release (--to older than --from):"
                + " VMs go only where the old host's agent answered COMPATIBLE (the file's verdicts)")
        boolean rollback;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            String bad = atLeastOne("--max-per-failure-domain", maxPerFailureDomain)
                    + atLeastOne("--max-outbound-per-host", maxOutboundPerHost)
                    + atLeastOne("--max-inbound-per-host", maxInboundPerHost)
                    + atLeastOne("--max-parallel", maxParallel);
            if (headroomPercent != null && (headroomPercent < 0 || headroomPercent > 99)) {
                bad += "--headroom must be in 0..99; ";
            }
            if (maxHostsInMaintenance != null && !maxHostsInMaintenance.matches(CountOrShare.FORMAT)) {
                bad += "--max-hosts-in-maintenance must be a count such as 4 or a share such as 10%; ";
            }
            if (!bad.isEmpty()) {
                err.println(bad.substring(0, bad.length() - 2));
                return REFUSED;
            }
            OfflinePlans plans = parent.read(err);
            if (plans == null) {
                return REFUSED;
            }
            CampaignRequest request = new CampaignRequest(from, to, hosts.isEmpty() ? null : hosts,
                    selector.isEmpty() ? null : selector, new CampaignPolicyRequest(maxHostsInMaintenance,
                            maxPerFailureDomain, maxOutboundPerHost, maxInboundPerHost, maxParallel, headroomPercent,
                            allowBackward, null, null), true, rollback ? Boolean.TRUE : null);
            try {
                return parent.print(spec.commandLine().getOut(), plans.campaign(request, Instant.now()));
            } catch (RefusalException e) {
                err.println(e.getMessage());
                return REFUSED;
            }
        }
    }

    private static String atLeastOne(String option, Integer value) {
        return value != null && value < 1 ? option + " must be at least 1; " : "";
    }
}
