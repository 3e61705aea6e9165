package dev.shears.jobs.driver;

import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.data.LabeledData;
import java.util.List;

/**
 * Reads the training and test tables a spec names ({@code data.format} parquet, orc, spark-csv) and
 * checks every row: Spark does the reading, so the driver is given one by the command that started Spark.
 */
@FunctionalInterface
public interface TableReader {

    /** For callers that run without Spark: a spec of tables cannot be read there. */
    TableReader NONE = (data, seed) -> {
        throw new IllegalStateException("data.format " + data.format + " is read by Spark, which this command does not start");
    };

    /** @param seed chooses the test rows when one table is split ({@code data.testFraction}) */
    Tables read(SearchSpec.DataSpec data, long seed);

    /**
     * @param description what was read, one line a table (rows, columns), for {@code validate}
     */
    record Tables(LabeledData train, LabeledData test, List<String> description) {
    }
}
