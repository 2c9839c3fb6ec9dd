package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Table;
import io.migplan.cli.output.Units;
import picocli.CommandLine.Command;

/** {@code migplan hosts}: every host with its release, state and what runs on it. */
@Command(name = "hosts", mixinStandardHelpOptions = true, description = "Every host: release, state, capacity, VMs.")
public final class HostsCommand extends ApiCommand {

    @Override
    protected ExitCode call(ApiClient client) {
        print(client.get("/api/v1/hosts"), HostsCommand::render);
        return ExitCode.OK;
    }

    static String render(JsonNode hosts) {
        Table t = new Table("HOST", "RELEASE", "STATE", "ADMIN", "DOMAIN", "CPUS>", "MEMORY>", "VMS>", "DEVICES>");
        for (JsonNode h : Json.items(hosts)) {
            String admin = Json.text(h, "adminState");
            String reason = Json.text(h, "adminReason");
            t.row(Json.text(h, "id"), Json.text(h, "release"), Json.text(h, "state"),
                    reason == null || reason.isBlank() ? admin : admin + " (" + reason + ")",
                    Json.text(h, "failureDomain"), h.path("cpus").asInt(), Units.mib(h.path("memoryMib").asLong()),
                    h.path("vmCount").asLong(), h.path("deviceCount").asLong());
        }
        return t.render() + t.size() + (t.size() == 1 ? " host\n" : " hosts\n");
    }
}
