package io.migplan.cli;

import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.CaTrust;
import io.migplan.cli.commands.CampaignCommand;
import io.migplan.cli.commands.EvacuationCommand;
import io.migplan.cli.commands.HostCommand;
import io.migplan.cli.commands.HostsCommand;
import io.migplan.cli.commands.PlanCommand;
import io.migplan.cli.commands.VmsCommand;
import io.migplan.cli.commands.WarmupCommand;
import io.migplan.cli.commands.WhatIfCommand;
import io.migplan.cli.commands.WhereCanCommand;
import io.migplan.cli.output.Format;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code migplan} command: the scheduler's API for people and scripts, and the executors that
 * carry plans out. Holds the options every command inherits (where the scheduler is, the token,
 * the CA to trust, the output form) and makes the one {@link ApiClient} the commands call through.
 */
@Command(name = "migplan", mixinStandardHelpOptions = true, version = "migplan 0.1.0",
        description = "Plans and carries out VM migrations for rolling upgrades of a KVM fleet.",
        modelTransformer = Migplan.ExitCodeHelp.class)
public final class Migplan implements Runnable {

    /**
     * The commands under {@code migplan}, in the order {@code --help} lists them. Picocli builds a
     * command's model by reflection over its class, its options and its subcommands; building all of
     * them costs more than most commands take to run, so a run adds only the commands it names
     * ({@link #commandLine(Migplan, String...)}).
     */
    static final List<Class<?>> COMMANDS = List.of(HostsCommand.class, VmsCommand.class, WhereCanCommand.class,
            PlanCommand.class, CampaignCommand.class, HostCommand.class, EvacuationCommand.class, WarmupCommand.class,
            WhatIfCommand.class, CommandLine.HelpCommand.class);

    /** The scheduler a command calls when neither {@code --server} nor MIGPLAN_SERVER says. */
    public static final String DEFAULT_SERVER = "http://localhost:8080";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:MIGPLAN_SERVER:-" + DEFAULT_SERVER + "}",
            description = "The scheduler's URL (env MIGPLAN_SERVER; default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Bearer token (env MIGPLAN_TOKEN). Prefer --token-file: a command line is seen by others.")
    String token;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "A file holding the bearer token.")
    Path tokenFile;

    @Option(names = "--ca", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:MIGPLAN_CA}",
            description = "PEM CA (or certificate) to trust for an https server (env MIGPLAN_CA); default: the JDK's.")
    Path ca;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (for people, default) or json (the scheduler's JSON as is, for programs).")
    Format output;

    /** Where environment variables come from; tests give a map. */
    private final Function<String, String> env;

    public Migplan() {
        this(System::getenv);
    }

    public Migplan(Map<String, String> env) {
        this(env::get);
    }

    private Migplan(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command (migplan --help lists them)");
    }

    /** The output form asked for. */
    public Format output() {
        return output == null ? Format.text : output;
    }

    /**
     * A client for the scheduler as the options say.
     *
     * @throws CommandLine.ParameterException for a bad URL, both token options, an unreadable token or CA file
     */
    public ApiClient client(CommandLine commandLine) {
        URI uri;
        try {
            uri = URI.create(server.strip());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "--server is not a URL: " + server);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new CommandLine.ParameterException(commandLine,
                    "--server must be an http:// or https:// URL with a host, got " + server);
        }
        try {
            SSLContext ssl = ca != null ? CaTrust.of(ca) : null;
            return new ApiClient(uri, token(commandLine), ssl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    /** --token, else --token-file, else MIGPLAN_TOKEN; null when none gives one. */
    String token(CommandLine commandLine) {
        if (token != null && tokenFile != null) {
            throw new CommandLine.ParameterException(commandLine, "give --token or --token-file, not both");
        }
        if (token != null) {
            return token.strip();
        }
        if (tokenFile != null) {
            try {
                String t = Files.readString(tokenFile).strip();
                if (t.isEmpty()) {
                    throw new CommandLine.ParameterException(commandLine, "--token-file " + tokenFile + " is empty");
                }
                return t;
            } catch (IOException e) {
                throw new CommandLine.ParameterException(commandLine, "cannot read --token-file " + tokenFile + ": "
                        + e.getMessage());
            }
        }
        String fromEnv = env.apply("MIGPLAN_TOKEN");
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
    }

    /** The exit codes, from {@link ExitCode}, at the end of every command's help. */
    public static final class ExitCodeHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList());
            return spec;
        }
    }

    /** The whole command line, every command in it (help, tests, the warm-up). */
    public static CommandLine commandLine(Migplan root) {
        CommandLine line = new CommandLine(root);
        COMMANDS.forEach(line::addSubcommand);
        return line;
    }

    /**
     * The command line for a run with {@code args}: only the commands that some argument names, so
     * picocli reflects over what the run may execute. With none named, or {@code help} named, every
     * command is there (the usage lists them, an unknown name gets suggestions). An option's value
     * that happens to be a command's name only adds a command that is not run.
     */
    public static CommandLine commandLine(Migplan root, String... args) {
        Set<String> named = Set.copyOf(Arrays.asList(args));
        List<Class<?>> chosen = COMMANDS.stream().filter(c -> names(c).stream().anyMatch(named::contains)).toList();
        if (chosen.isEmpty() || chosen.contains(CommandLine.HelpCommand.class)) {
            return commandLine(root);
        }
        CommandLine line = new CommandLine(root);
        chosen.forEach(line::addSubcommand);
        return line;
    }

    /** A command's name and aliases, as its {@code @Command} declares them. */
    static List<String> names(Class<?> command) {
        Command declared = command.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(declared.aliases()));
        names.add(declared.name());
        return names;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new Migplan(), args).execute(args));
    }
}
