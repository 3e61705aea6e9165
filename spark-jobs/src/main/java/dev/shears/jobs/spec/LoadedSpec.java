package dev.shears.jobs.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.search.SearchSpace;
import java.util.List;

/**
 * A spec that passed validation.
 *
 * @param source   where it was read from
 * @param resolved the spec tree with overrides applied, as recorded in run.json
 * @param spaces   the search space, or several whose grids are walked one after another
 * @param sha256   hash of the resolved spec, on every result row
 */
public record LoadedSpec(String source, SearchSpec spec, JsonNode resolved, List<SearchSpace> spaces, String sha256) {

    /** The (first) search space: the one strategies other than the grid search. */
    public SearchSpace space() {
        return spaces.get(0);
    }

    /** Grid points over all spaces, saturating; -1 when a space has ranges. */
    public long gridSize() {
        long n = 0;
        for (SearchSpace s : spaces) {
            if (s.gridSize() < 0) {
                return -1;
            }
            n += s.gridSize();
            if (n < 0) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** Where executors find the data. */
    public DataLocation dataLocation() {
        SearchSpec.DataSpec d = spec.data;
        if ("csv".equals(d.format)) {
            return new DataLocation("csv", SpecLoader.toUri(d.train), null, SpecLoader.toUri(d.test), null,
                    d.labelColumn, d.header, d.numClasses, d.trainLimit, d.testLimit, d.validationFraction, spec.seed);
        }
        String dir = d.dir == null ? null : SpecLoader.toUri(d.dir);
        return new DataLocation("idx",
                file(d.trainImages, dir, "train-images-idx3-ubyte.gz"), file(d.trainLabels, dir, "train-labels-idx1-ubyte.gz"),
                file(d.testImages, dir, "t10k-images-idx3-ubyte.gz"), file(d.testLabels, dir, "t10k-labels-idx1-ubyte.gz"),
                null, false, d.numClasses, d.trainLimit, d.testLimit, d.validationFraction, spec.seed);
    }

    private static String file(String explicit, String dir, String standardName) {
        return explicit != null ? SpecLoader.toUri(explicit) : HadoopFiles.join(dir, standardName);
    }
}
