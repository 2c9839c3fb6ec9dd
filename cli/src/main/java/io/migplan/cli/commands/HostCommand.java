package io.migplan.cli.commands;

import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migplan host …}: changes to one host. */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Change one host.",
        subcommands = {HostCommand.AdminState.class, HostDrainCommand.class})
public final class HostCommand {

    /** States an operator may set; the scheduler's list ({@code AdminState}). */
    enum State {
        ACTIVE, DRAINING, MAINTENANCE
    }

    /** {@code migplan host admin-state <host> <state>}: take a host out of placement or back in. */
    @Command(name = "admin-state", mixinStandardHelpOptions = true,
            description = "Take a host out of placement (DRAINING, MAINTENANCE) or back in (ACTIVE).")
    static final class AdminState extends ApiCommand {

        @Parameters(index = "0", paramLabel = "HOST")
        String host;

        @Parameters(index = "1", paramLabel = "STATE", description = "ACTIVE, DRAINING or MAINTENANCE (any case).",
                converter = StateConverter.class)
        State state;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why; shown with the host.")
        String reason;

        @Override
        protected ExitCode call(ApiClient client) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", state.name());
            if (reason != null) {
                body.put("reason", reason);
            }
            print(client.put(ApiClient.path("/api/v1/hosts/{}/admin-state", host), body), h -> {
                String r = Json.text(h, "adminReason");
                return "host " + Json.text(h, "id") + ": " + Json.text(h, "adminState")
                        + (r == null || r.isBlank() ? "" : " (" + r + ")") + "\n";
            });
            return ExitCode.OK;
        }
    }

    static final class StateConverter implements picocli.CommandLine.ITypeConverter<State> {
        @Override
        public State convert(String value) {
            try {
                return State.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not one of ACTIVE, DRAINING, MAINTENANCE");
            }
        }
    }
}
