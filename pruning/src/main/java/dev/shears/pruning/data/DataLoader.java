package dev.shears.pruning.data;

import dev.shears.pruning.BadInputException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the splits a {@link DataLocation} describes; each JVM loads a location once. */
public final class DataLoader {

    private static final Map<DataLocation, DataSplits> CACHE = new ConcurrentHashMap<>();

    private DataLoader() {
    }

    /** The splits, loaded on first use in this JVM and shared afterwards (tasks must not modify them). */
    public static DataSplits cached(DataLocation location) {
        return CACHE.computeIfAbsent(location, DataLoader::load);
    }

    public static DataSplits load(DataLocation location) {
        LabeledData train;
        LabeledData test;
        String hash;
        switch (location.format()) {
            case "idx" -> {
                train = IdxReader.read(location.trainFile(), location.trainLabels(), location.trainLimit(),
                        location.numClasses());
                test = IdxReader.read(location.testFile(), location.testLabels(), location.testLimit(),
                        location.numClasses());
                hash = Hashes.sha256(String.join("|",
                        IdxReader.hash(location.trainFile(), location.trainLabels(), location.trainLimit()),
                        IdxReader.hash(location.testFile(), location.testLabels(), location.testLimit())));
            }
            case "csv" -> {
                CsvReader.Result tr = CsvReader.read(location.trainFile(), location.header(), location.labelColumn(),
                        location.numClasses(), location.trainLimit());
                CsvReader.Result te = CsvReader.read(location.testFile(), location.header(), location.labelColumn(),
                        location.numClasses(), location.testLimit());
                train = tr.data();
                test = te.data();
                hash = Hashes.sha256(tr.sha256() + "|" + te.sha256());
            }
            case "binary" -> {
                byte[] tr = HadoopFiles.readAll(location.trainFile());
                byte[] te = HadoopFiles.readAll(location.testFile());
                train = BinaryData.decode(location.trainFile(), tr);
                test = BinaryData.decode(location.testFile(), te);
                hash = BinaryData.hash(tr, te);
            }
            default -> throw new BadInputException("data.format '" + location.format() + "' is not known (allowed: idx, csv, binary)");
        }
        return split(location, train, test, hash);
    }

    /**
     * The splits of training and test rows whose files hash to {@code hash}: the validation rows held out
     * as {@code location} says. Data read elsewhere (tables, by Spark) is split here exactly as when loaded.
     */
    public static DataSplits split(DataLocation location, LabeledData train, LabeledData test, String hash) {
        if (!Arrays.equals(train.shape(), test.shape())) {
            throw new BadInputException(location.testFile() + " holds " + shape(test) + " rows but "
                    + location.trainFile() + " holds " + shape(train) + " (the test rows must have the training rows' shape)");
        }
        int held = (int) Math.round(train.size() * location.validationFraction());
        if (location.validationFraction() > 0 && (held < 1 || held >= train.size())) {
            throw new BadInputException("data.validationFraction " + location.validationFraction() + " of "
                    + train.size() + " training rows leaves no validation or no training rows");
        }
        int[] perm = train.permutation(location.seed());
        LabeledData validation = train.rows(Arrays.copyOfRange(perm, 0, held));
        LabeledData rest = train.rows(Arrays.copyOfRange(perm, held, perm.length));
        String splitHash = Hashes.sha256(hash + "|val=" + location.validationFraction() + "|seed=" + location.seed());
        return new DataSplits(rest, validation, test, splitHash);
    }

    /** A row's shape as users know it: 28x28 images, 16 feature columns. */
    private static String shape(LabeledData data) {
        int[] s = data.shape();
        return s.length == 1 ? s[0] + "-feature" : s[0] + "x" + s[1] + (s.length > 2 && s[2] > 1 ? "x" + s[2] : "") + " image";
    }
}
