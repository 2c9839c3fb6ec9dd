package io.migplan.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.output.Format;
import io.migplan.cli.output.Table;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A command that prints one of the scheduler's lists as it pages through it ({@link PagedList}):
 * for a person, table rows page by page under one header (columns widen when a later page needs
 * it) and a count; for a program, one JSON array of the items, as the unpaged list was.
 */
abstract class PagedListCommand extends ApiCommand {

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "" + PagedList.DEFAULT_PAGE_SIZE,
            description = "Items asked of the scheduler per call, 1 to " + PagedList.MAX_PAGE_SIZE
                    + " (default: ${DEFAULT-VALUE}).")
    int pageSize;

    /**
     * Prints the list at {@code path}: a table of {@code headers}, one row per item by {@code row},
     * then the count, {@code one} or {@code many} after it ("1 host", "3 hosts").
     */
    protected ExitCode print(ApiClient client, String path, String[] headers, Function<JsonNode, Object[]> row,
            String one, String many) {
        if (pageSize < 1 || pageSize > PagedList.MAX_PAGE_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--page-size must be from 1 to "
                    + PagedList.MAX_PAGE_SIZE + ", got " + pageSize);
        }
        if (format() == Format.json) {
            boolean[] first = {true};
            out().print('[');
            PagedList.walk(client, path, pageSize, items -> {
                for (JsonNode item : items) {
                    out().print(first[0] ? "" : ",");
                    out().print(item.toString());
                    first[0] = false;
                }
                out().flush();
            });
            out().println(']');
            out().flush();
            return ExitCode.OK;
        }
        int[] width = new int[headers.length];
        boolean[] headed = {false};
        long n = PagedList.walk(client, path, pageSize, items -> {
            Table t = new Table(headers);
            items.forEach(i -> t.row(row.apply(i)));
            if (t.size() > 0 || !headed[0]) {
                out().print(t.render(!headed[0], width));
                headed[0] = true;
            }
            out().flush();
        });
        out().print(n + (n == 1 ? " " + one : " " + many) + "\n");
        out().flush();
        return ExitCode.OK;
    }
}
