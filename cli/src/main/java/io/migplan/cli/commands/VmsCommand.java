package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Units;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code migplan vms}: every VM with its host, size and mediated devices, a page at a time. */
@Command(name = "vms", mixinStandardHelpOptions = true, description = "Every VM: host, vCPUs, memory, device types.")
public final class VmsCommand extends PagedListCommand {

    static final String[] HEADERS = {"VM", "UUID", "HOST", "VCPUS>", "MEMORY>", "DEVICES"};

    @Override
    protected ExitCode call(ApiClient client) {
        return print(client, "/api/v1/vms", HEADERS, VmsCommand::row, "VM", "VMs");
    }

    static Object[] row(JsonNode v) {
        List<String> types = new ArrayList<>();
        Json.items(v, "devices").forEach(d -> types.add(Json.text(d, "typeId")));
        return new Object[] {Json.text(v, "name"), Json.text(v, "uuid"), Json.text(v, "host"), v.path("vcpus").asInt(),
            Units.mib(v.path("memoryMib").asLong()), types.isEmpty() ? "-" : String.join(",", types)};
    }
}
