package dev.shears.jobs.cli;

/**
 * Commands that a jar on the class path adds to {@code shears}, found with {@link java.util.ServiceLoader}: the jar
 * names its implementation in {@code META-INF/services/dev.shears.jobs.cli.CommandExtension}. The product compiles
 * without them, so optional tools (the benchmarks) ship beside the application instead of inside it. An extension's
 * command runs as the built-in ones do: the same error handling and exit codes.
 */
public interface CommandExtension {

    /** A picocli command object (a class annotated with {@code @Command}, with its own subcommands if any). */
    Object command();
}
