package dev.shears.jobs.cli;

import dev.shears.pruning.BadInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A command added through the extension point (META-INF/services in the test resources), as an optional jar adds one. */
public final class TestCommandExtension implements CommandExtension {

    /** What the extension's command exits with when it succeeds: not 0, so that a test sees it is passed through. */
    static final int DONE = 7;

    @Override
    public Object command() {
        return new Greet();
    }

    @Command(name = "greet", mixinStandardHelpOptions = true, description = "Say hello (a test extension).")
    static final class Greet implements Callable<Integer> {

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            if (name.isBlank()) {
                throw new BadInputException("--name must not be blank");
            }
            System.out.println("hello " + name);
            return DONE;
        }
    }
}
