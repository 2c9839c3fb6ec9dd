package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Units;
import picocli.CommandLine.Command;

/** {@code migplan hosts}: every host with its release, state and what runs on it, a page at a time. */
@Command(name = "hosts", mixinStandardHelpOptions = true, description = "Every host: release, state, capacity, VMs.")
public final class HostsCommand extends PagedListCommand {

    static final String[] HEADERS = {"HOST", "RELEASE", "STATE", "ADMIN", "DOMAIN", "CPUS>", "MEMORY>", "VMS>",
        "DEVICES>"};

    @Override
    protected ExitCode call(ApiClient client) {
        return print(client, "/api/v1/hosts", HEADERS, HostsCommand::row, "host", "hosts");
    }

    static Object[] row(JsonNode h) {
        String admin = Json.text(h, "adminState");
        String reason = Json.text(h, "adminReason");
        return new Object[] {Json.text(h, "id"), Json.text(h, "release"), Json.text(h, "state"),
            reason == null || reason.isBlank() ? admin : admin + " (" + reason + ")",
            Json.text(h, "failureDomain"), h.path("cpus").asInt(), Units.mib(h.path("memoryMib").asLong()),
            h.path("vmCount").asLong(), h.path("deviceCount").asLong()};
    }
}
