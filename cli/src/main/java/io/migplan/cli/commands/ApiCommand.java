package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.Migplan;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.ApiException;
import io.migplan.cli.output.Format;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What every command that calls the scheduler shares: the client made from the global options,
 * where output goes, and the one mapping of a failed call to a message on stderr and an
 * {@link ExitCode}. A subclass does its calls in {@link #call(ApiClient)} and returns its code.
 */
abstract class ApiCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        Migplan root = (Migplan) spec.root().userObject();
        ApiClient client = root.client(spec.commandLine());
        try {
            return call(client).code();
        } catch (ApiException e) {
            err().println("migplan: " + e.describe());
            err().flush();
            return ExitCode.of(e).code();
        }
    }

    /** Does the command's calls; a refusal is thrown as {@link ApiException} and mapped by the caller. */
    protected abstract ExitCode call(ApiClient client);

    protected Format format() {
        return ((Migplan) spec.root().userObject()).output();
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints the answer for a program (its JSON as sent) or, for a person, what {@code text} renders. */
    protected void print(ApiClient.Answer answer, java.util.function.Function<JsonNode, String> text) {
        if (format() == Format.json) {
            out().println(answer.body());
        } else {
            out().print(text.apply(answer.json()));
        }
        out().flush();
    }
}
