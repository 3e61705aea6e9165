package dev.shears.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say which spec to read and how to override it. */
public final class SpecOptions {

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "the search spec (YAML; local path or Hadoop URI)")
    String spec;

    @Option(names = "--set", paramLabel = "FIELD=VALUE",
            description = "override a spec field, e.g. --set search.budget=40 (repeatable; values are YAML)")
    List<String> sets = new ArrayList<>();
}
