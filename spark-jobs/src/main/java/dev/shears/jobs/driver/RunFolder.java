package dev.shears.jobs.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * What {@code --out} already holds when a search starts with {@code --resume} or {@code --extend}:
 * this spec's finished run (nothing to do), a finished run this spec extends, or another spec's run.
 */
public final class RunFolder {

    private RunFolder() {
    }

    /**
     * A finished run found in {@code out} by {@link #finished}.
     *
     * @param sameSpec the run of this very spec (nothing is left to run), else one this spec extends
     * @param cache    the trial cache the run used, or null
     */
    public record Finished(boolean sameSpec, String cache) {
    }

    /**
     * With {@code --resume} or {@code --extend}: the finished run {@code out} already holds, or null.
     * A finished run of this very spec (killed after it was moved into place, or simply started again)
     * has its table shown and the checkpoints a kill may have left in it removed. One whose spec differs
     * only in larger {@code search.budget} or {@code search.epochBudget} can be extended; any other is bad
     * input.
     */
    public static Finished finished(LoadedSpec spec, String out, PrintStream console) {
        String target = SpecLoader.toUri(out);
        String runJson = HadoopFiles.join(target, "run.json");
        if (!HadoopFiles.exists(runJson)) {
            return null;
        }
        JsonNode run;
        try {
            run = SpecLoader.JSON.readTree(HadoopFiles.readAll(runJson));
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": " + runJson + " is not a Shears run.json: " + e.getMessage(), e);
        }
        String cache = run.path("cache").isTextual() ? run.path("cache").asText() : null;
        if (spec.sha256().equals(run.path("spec_hash").asText())) {
            OutputLocation.tidyFinished(target, Checkpoints.DIR);
            Outputs.print(Changes.readPrevious(target), spec.spec(), console);
            if (console != null) {
                console.println("shears: " + out + " already holds this spec's finished run; nothing left to run");
            }
            return new Finished(true, cache);
        }
        // a run.json without its spec (an older Shears', say) can only be the same spec or another one
        if (!(run.path("spec") instanceof ObjectNode recorded)) {
            throw otherSpec(run, spec, out);
        }
        ObjectNode before = recorded.deepCopy();
        ObjectNode now = spec.resolved().deepCopy();
        SearchSpec.SearchSettings defaults = new SearchSpec.SearchSettings();
        String grown = null;
        for (String budget : List.of("budget", "epochBudget")) {
            long fallback = budget.equals("budget") ? defaults.budget : defaults.epochBudget;
            long was = before.path("search").path(budget).asLong(fallback);
            long is = now.path("search").path(budget).asLong(fallback);
            // an epoch budget of 0 has no limit
            long wasLimit = was == 0 && budget.equals("epochBudget") ? Long.MAX_VALUE : was;
            long isLimit = is == 0 && budget.equals("epochBudget") ? Long.MAX_VALUE : is;
            if (isLimit < wasLimit) {
                throw new BadInputException("--resume: search." + budget + " " + is + " is below the finished run's "
                        + was + " in " + out + "; a run is only extended, never cut: use a new --out");
            }
            grown = isLimit > wasLimit ? budget : grown;
            for (ObjectNode tree : List.of(before, now)) {
                if (tree.path("search") instanceof ObjectNode search) {
                    search.remove(budget);
                    if (search.isEmpty()) {
                        tree.remove("search");
                    }
                }
            }
        }
        if (grown == null || !before.equals(now)) {
            throw otherSpec(run, spec, out);
        }
        return new Finished(false, cache);
    }

    private static BadInputException otherSpec(JsonNode run, LoadedSpec spec, String out) {
        return new BadInputException("--resume: " + out + " holds a finished run of a different spec (hash "
                + run.path("spec_hash").asText() + ", now " + spec.sha256() + "); only search.budget and "
                + "search.epochBudget may grow to extend it: use a new --out");
    }

}
