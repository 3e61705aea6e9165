package dev.shears.jobs.cli;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.run.JitPolicy;
import dev.shears.pruning.run.NativeBuild;
import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shears} command: the entry point of the launcher scripts and of spark-submit. */
@Command(name = "shears", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Finds the best way to prune a neural network by searching pruning configurations on Spark.",
        subcommands = {SearchCommand.class, NightlyCommand.class, ValidateCommand.class, HistoryCommand.class})
public final class ShearsMain {

    /** Exit codes users' scripts rely on. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    /** Finished, but worse than the run it was compared with by more than --fail-if-worse allows. */
    public static final int WORSE = 3;

    private static final Set<String> HELP_AND_VERSION = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command and returns its exit code, without exiting (for tests and embedding). */
    public static int execute(String... args) {
        // before any command touches ND4J: its native build is fixed when it first loads
        NativeBuild.select();
        JitPolicy.apply();
        CommandLine cli = commandLine();
        // a usage error is one line, as other bad input, rather than the message and the whole usage text
        cli.setParameterExceptionHandler((e, args1) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("shears: error: " + e.getMessage().lines().findFirst().orElse("")
                    + " (see: " + failed.getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable bad = e;
            while (bad != null && !(bad instanceof BadInputException)) {
                bad = bad.getCause();
            }
            if (bad != null) {
                commandLine.getErr().println("shears: error: " + bad.getMessage());
                return BAD_INPUT;
            }
            commandLine.getErr().println("shears: failed: " + e);
            e.printStackTrace(commandLine.getErr());
            return FAILED;
        });
        return cli.execute(withDefaultCommand(args));
    }

    /** The command line: the built-in commands, then those of every {@link CommandExtension} on the class path. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ShearsMain());
        for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
            cli.addSubcommand(extension.command());
        }
        return cli;
    }

    /** Options without a command mean {@code search}: {@code shears-submit ... -- --spec FILE --out DIR} works too. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || !args[0].startsWith("-") || HELP_AND_VERSION.contains(args[0])) {
            return args;
        }
        String[] withSearch = new String[args.length + 1];
        withSearch[0] = "search";
        System.arraycopy(args, 0, withSearch, 1, args.length);
        return withSearch;
    }
}
