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
        return SearchSpace.gridSize(spaces);
    }

    /** Whether the data is a table Spark reads ({@link SpecLoader#TABLE_FORMATS}), not files Shears reads itself. */
    public boolean readsTables() {
        return SpecLoader.TABLE_FORMATS.contains(spec.data.format);
    }

    /** Where executors find the data of a spec of files (tables are read first: see {@link #readsTables}). */
    public DataLocation dataLocation() {
        if (readsTables()) {
            throw new IllegalStateException("data.format " + spec.data.format + " is read by Spark, not from a location");
        }
        SearchSpec.DataSpec d = spec.data;
        if ("csv".equals(d.format)) {
            return new DataLocation("csv", SpecLoader.toUri(d.train), null, SpecLoader.toUri(d.test), null,
                    d.labelColumn, d.header, d.numClasses, d.trainLimit, d.testLimit, d.validationFraction, spec.seed);
        }
        String dir = d.dir == null ? null : SpecLoader.toUri(d.dir);
        return new DataLocation("idx",
                file(d.trainImages, dir, DataLocation.TRAIN_IMAGES), file(d.trainLabels, dir, DataLocation.TRAIN_LABELS),
                file(d.testImages, dir, DataLocation.TEST_IMAGES), file(d.testLabels, dir, DataLocation.TEST_LABELS),
                null, false, d.numClasses, d.trainLimit, d.testLimit, d.validationFraction, spec.seed);
    }

    private static String file(String explicit, String dir, String standardName) {
        return explicit != null ? SpecLoader.toUri(explicit) : HadoopFiles.join(dir, standardName);
    }
}
