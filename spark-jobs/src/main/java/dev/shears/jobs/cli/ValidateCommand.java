package dev.shears.jobs.cli;

import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Checks a spec without running anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a spec and print its search space.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    SpecOptions specOptions;

    @Override
    public Integer call() {
        LoadedSpec spec = SpecLoader.load(specOptions.spec, specOptions.sets);
        long grid = spec.gridSize();
        System.out.println(specOptions.spec + ": valid; strategy " + spec.spec().search.strategy + ", budget "
                + spec.spec().search.budget + (grid > 0 ? ", grid of " + grid + " candidates" : ", continuous space"));
        spec.spaces().forEach(space -> space.dimensions().forEach(d -> System.out.println("  " + d)));
        return ShearsMain.OK;
    }
}
