package io.migplan.scheduler.testsupport;

import io.migplan.cli.Migplan;
import io.restassured.RestAssured;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code migplan} command line run in-process against the scheduler under test, as an
 * operator or orchestrator would run it: the tests that drive campaigns with it on a
 * {@link SimulatedFleet} check what it printed and its exit code.
 */
public final class MigplanCli {

    private MigplanCli() {
    }

    /** What one {@code migplan} call printed, and its exit code. */
    public record Run(int exit, String out, String err) {
    }

    /** {@code migplan --server <the scheduler under test> --token <token> <args>}, with no environment. */
    public static Run migplan(String token, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--server", "http://localhost:" + RestAssured.port, "--token", token));
        all.addAll(List.of(args));
        int exit = Migplan.commandLine(new Migplan(Map.of())).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
