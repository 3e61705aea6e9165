package dev.shears.jobs.driver;

import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.data.BinaryData;
import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.Hashes;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The data of a search, read and checked before anything is written. Files Shears reads itself
 * (IDX, CSV) are loaded where they are. Tables are read by Spark on the driver and then written once,
 * as {@link BinaryData} files named by their content, into the run's checkpoint directory: the one
 * place a run may write, on the storage its outputs go to, kept while a stopped run waits to be
 * resumed, and removed with the checkpoints when the run is in place. Executors load that copy once
 * per JVM, as any other data. (Beside the tables it would need write access to the user's data and
 * would add files to the table's folder.)
 *
 * @param location    where executors load the data from
 * @param splits      the data as executors will load it
 * @param description for {@code validate}: what was read from each table (empty for files)
 */
record SearchData(DataLocation location, DataSplits splits, List<String> description, byte[] train, byte[] test) {

    /** @param dir where a table's copy goes (the run's checkpoint directory); null when it is only checked */
    static SearchData read(LoadedSpec spec, TableReader tables, String dir) {
        if (!spec.readsTables()) {
            DataLocation location = spec.dataLocation();
            return new SearchData(location, DataLoader.cached(location), List.of(), null, null);
        }
        SearchSpec.DataSpec d = spec.spec().data;
        TableReader.Tables read = tables.read(d, spec.spec().seed);
        byte[] train = BinaryData.encode(read.train());
        byte[] test = BinaryData.encode(read.test());
        DataLocation location = new DataLocation("binary", file(dir, train), null, file(dir, test), null, null, false,
                d.numClasses, 0, 0, d.validationFraction, spec.spec().seed);
        DataSplits splits = DataLoader.split(location, read.train(), read.test(), BinaryData.hash(train, test));
        return new SearchData(location, splits, read.description(), train, test);
    }

    private static String file(String dir, byte[] content) {
        String name = Hashes.sha256(content) + ".bin";
        return dir == null ? name : HadoopFiles.join(dir, name);
    }

    /**
     * Writes a table's copy where executors load it (a resumed run finds it there already), and loads it
     * back as they will; files are simply loaded.
     */
    DataSplits materialise() {
        if (train != null) {
            writeOnce(location.trainFile(), train);
            writeOnce(location.testFile(), test);
        }
        return DataLoader.cached(location);
    }

    private static void writeOnce(String file, byte[] bytes) {
        // named by content and written atomically: a file there is this very data, whole
        if (HadoopFiles.exists(file)) {
            return;
        }
        try {
            HadoopFiles.writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tables' copy " + file, e);
        }
    }
}
