package dev.shears.jobs.cli;

import dev.shears.jobs.driver.SpecChecks;
import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spark.SparkTables;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.ChannelGroups;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Checks a spec, its data and its base model as a search would before training, without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a spec and print its search space.",
                "Also reads the data and reads or builds the (untrained) base model, and checks the layer names "
                        + "and strategy options against it, as a search does before it trains; --spec-only skips that."})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    SpecOptions specOptions;

    @Option(names = "--spec-only", description = "check the spec file alone, without reading the data or the model")
    boolean specOnly;

    @Override
    public Integer call() {
        LoadedSpec spec = SpecLoader.load(specOptions.spec, specOptions.sets);
        long grid = spec.gridSize();
        System.out.println(specOptions.spec + ": valid; strategy " + spec.spec().search.strategy + ", budget "
                + spec.spec().search.budget + (grid > 0 ? ", grid of " + grid + " candidates" : ", continuous space"));
        spec.spaces().forEach(space -> space.dimensions().forEach(d -> System.out.println("  " + d)));
        if (!specOnly) {
            SpecChecks.Checked checked = spec.readsTables() ? checkTables(spec) : SpecChecks.check(spec, TableReader.NONE);
            System.out.println("  data: " + checked.data().train().size() + " training, " + checked.data().validation().size()
                    + " validation, " + checked.data().test().size() + " test rows");
            checked.tables().forEach(System.out::println);
            Network base = checked.baseModel();
            System.out.println("  base model: " + base.kind() + ", " + base.numParams() + " parameters; prunable layers: "
                    + base.prunable().stream().map(PrunableLayer::name).collect(Collectors.joining(", ")));
            // what structural granularities remove together, named by each group's first producer
            ChannelGroups.describe(base, base.keepWhole()).lines().forEach(line -> System.out.println("  " + line));
        }
        return ShearsMain.OK;
    }

    /** Tables are read by Spark: an embedded local one unless spark-submit set a master (or one is running). */
    private static SpecChecks.Checked checkTables(LoadedSpec spec) {
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create("shears validate: " + spec.spec().name, null, 1, false);
        try {
            return SpecChecks.check(spec, new SparkTables(spark));
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }
}
