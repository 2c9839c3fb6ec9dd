package io.migplan.cli.commands;

import com.sun.net.httpserver.HttpServer;
import io.migplan.cli.Migplan;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code migplan warmup} (hidden): runs the everyday commands against a loopback stand-in that
 * answers canned JSON, so a launcher can record the classes they load in a class-data-sharing
 * archive ({@code -XX:ArchiveClassesAtExit}) and later starts map them instead of loading them
 * (deploy/bin/migplan). Talks to no scheduler and changes nothing.
 */
@Command(name = "warmup", hidden = true, description = "Load the classes of the everyday commands (for a CDS archive).")
public final class WarmupCommand implements Callable<Integer> {

    static final Map<String, String> ANSWERS = Map.of(
            "/api/v1/vms/vm-1/targets", "{\"vm\":\"vm-1\",\"sourceHost\":\"h1\",\"summary\":\"1/2 hosts eligible\","
                    + "\"eligible\":1,\"hosts\":2,\"candidates\":[{\"host\":\"h2\",\"device\":\"0000:3b:00.0\",\"score\":0.5}],"
                    + "\"rejectedByCode\":[{\"code\":\"OLDER_RELEASE\",\"hosts\":1}],\"rejected\":[]}",
            "/api/v1/hosts", "[{\"id\":\"h1\",\"release\":\"2025.1\",\"state\":\"UP\",\"adminState\":\"ACTIVE\","
                    + "\"cpus\":64,\"memoryMib\":524288,\"vmCount\":1,\"deviceCount\":1}]",
            "/api/v1/vms", "[{\"name\":\"vm-1\",\"uuid\":\"u\",\"host\":\"h1\",\"vcpus\":4,\"memoryMib\":8192,"
                    + "\"devices\":[{\"uuid\":\"d\",\"typeId\":\"nvidia-231\",\"parent\":\"0000:3b:00.0\"}]}]",
            "/api/v1/campaigns", "[]");

    /** The stand-in's event stream: one campaign whose history is a single event that ends it. */
    static final String EVENTS_PATH = "/api/v1/campaigns/c1/events";
    static final String EVENTS = "id:1\nevent:COMPLETED\ndata:{\"campaign\":\"c1\",\"position\":1,"
            + "\"at\":\"2026-01-01T00:00:00Z\",\"kind\":\"COMPLETED\",\"state\":\"COMPLETED\",\"message\":\"done\"}\n\n";

    /** The everyday commands the warm-up runs, each after the exit code it must give. */
    static final List<String[]> RUNS = List.of(new String[] {"0", "where-can", "vm-1"},
            new String[] {"0", "where-can", "vm-1", "--full"}, new String[] {"0", "hosts"}, new String[] {"0", "vms"},
            new String[] {"0", "campaign", "list"}, new String[] {"1", "campaign", "get", "none"},
            new String[] {"0", "campaign", "watch", "c1"}, new String[] {"0", "-o", "json", "hosts"});

    @Override
    public Integer call() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean events = path.equals(EVENTS_PATH);
            String body = events ? EVENTS
                    : ANSWERS.getOrDefault(path, "{\"code\":\"NOT_FOUND\",\"message\":\"-\"}");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", events ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(events || ANSWERS.containsKey(path) ? 200 : 404, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            int wrong = 0;
            // Each command with the exit code it must give, so a warm-up that stopped early is noticed.
            for (String[] args : RUNS) {
                String[] all = new String[args.length + 2];
                System.arraycopy(new String[] {"--server", url, "--token=x"}, 0, all, 0, 3);
                System.arraycopy(args, 1, all, 3, args.length - 1);
                int code = Migplan.commandLine(new Migplan(Map.of())).setOut(sink).setErr(sink).execute(all);
                wrong += code == Integer.parseInt(args[0]) ? 0 : 1;
            }
            return wrong == 0 ? 0 : 1;
        } finally {
            server.stop(0);
        }
    }
}
