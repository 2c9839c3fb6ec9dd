package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Table;
import io.migplan.cli.output.Units;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code migplan vms}: every VM with its host, size and mediated devices. */
@Command(name = "vms", mixinStandardHelpOptions = true, description = "Every VM: host, vCPUs, memory, device types.")
public final class VmsCommand extends ApiCommand {

    @Override
    protected ExitCode call(ApiClient client) {
        print(client.get("/api/v1/vms"), VmsCommand::render);
        return ExitCode.OK;
    }

    static String render(JsonNode vms) {
        Table t = new Table("VM", "UUID", "HOST", "VCPUS>", "MEMORY>", "DEVICES");
        for (JsonNode v : Json.items(vms)) {
            List<String> types = new ArrayList<>();
            Json.items(v, "devices").forEach(d -> types.add(Json.text(d, "typeId")));
            t.row(Json.text(v, "name"), Json.text(v, "uuid"), Json.text(v, "host"), v.path("vcpus").asInt(),
                    Units.mib(v.path("memoryMib").asLong()), types.isEmpty() ? "-" : String.join(",", types));
        }
        return t.render() + t.size() + (t.size() == 1 ? " VM\n" : " VMs\n");
    }
}
