package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.TestData;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.driver.Start;
import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.train.FineTuner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, one row a case: exit code 2, one line naming the file, field or value and what is
 * allowed, no stack trace, before any training, and not a byte written (the folder holding the spec,
 * data and {@code --out} is the same file for file before and after).
 */
class BadInputTest {

    private static final String SPACE = "  ratio: [0.5]";
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d (INFO|WARN) ");

    @TempDir
    Path dir;

    /** Prepares the folder for a case and returns the command's arguments. */
    @FunctionalInterface
    interface Setup {
        List<String> prepare(Path dir) throws Exception;
    }

    /** Writes a case's table into the folder. */
    @FunctionalInterface
    interface TableWriter {
        void write(Path dir) throws Exception;
    }

    record Case(String name, Setup setup, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case spec(String name, UnaryOperator<String> edit, String... expected) {
        return new Case(name, d -> search(d, edit.apply(TestData.spec(d, SPACE, "  budget: 1"))), List.of(expected));
    }

    private static Case set(String name, String setting, String... expected) {
        return new Case(name, d -> with(search(d, TestData.spec(d, SPACE, "  budget: 1")), "--set", setting),
                List.of(expected));
    }

    /** The search section of the spec with {@code lines} added. */
    private static Case search(String name, String lines, String... expected) {
        return new Case(name, d -> search(d, TestData.spec(d, SPACE, "  budget: 1\n" + lines)), List.of(expected));
    }

    /** The random strategy over a ratio {@code range}. */
    private static Case random(String name, String range, String... expected) {
        return spec(name, y -> y.replace("[0.5]", range).replace("  budget: 1", "  budget: 1\n  strategy: random"),
                expected);
    }

    private static Case data(String name, Setup change, String... expected) {
        return new Case(name, d -> {
            List<String> args = search(d, TestData.spec(d, SPACE, "  budget: 1"));
            return with(args, change.prepare(d).toArray(String[]::new));
        }, List.of(expected));
    }

    /** Writes the blobs and {@code yaml} as spec.yaml; the arguments of a search of it into out/. */
    private static List<String> search(Path d, String yaml) throws Exception {
        TestData.writeBlobs(d);
        Files.writeString(d.resolve("spec.yaml"), yaml);
        return new ArrayList<>(List.of("search", "--spec", d.resolve("spec.yaml").toString(),
                "--out", d.resolve("out").toString()));
    }

    /** The spec with its name saved as Latin-1 (an é, byte 0xE9); the arguments of {@code command} on it. */
    private static List<String> latin1Spec(Path d, String command) throws Exception {
        List<String> args = search(d, TestData.spec(d, SPACE, "  budget: 1").replace("name: test", "name: caf\u00e9"));
        Files.write(d.resolve("spec.yaml"), Files.readString(d.resolve("spec.yaml")).getBytes(StandardCharsets.ISO_8859_1));
        return command.equals("search") ? args : List.of(command, "--spec", args.get(2));
    }

    private static List<String> with(List<String> args, String... more) {
        args.addAll(Arrays.asList(more));
        return args;
    }

    /**
     * A finished run in out/ whose spec is this case's (budget 4) with {@code edit} applied, made with the
     * trial cache at {@code cache} (null: without one); the arguments extend it with that cache, or with
     * the cache turned off when {@code cache} is "none".
     */
    private static Case extend(String name, UnaryOperator<ObjectNode> edit, String cache, String... expected) {
        return new Case(name, d -> {
            List<String> args = with(search(d, TestData.spec(d, SPACE, "  budget: 1")), "--set", "search.budget=4",
                    "--extend", "--cache", cache == null ? d.resolve("cache").toString() : cache);
            ObjectNode finished = SpecLoader.load(d.resolve("spec.yaml").toString(), List.of("search.budget=4"))
                    .resolved().deepCopy();
            ObjectNode run = SpecLoader.JSON.createObjectNode().put("spec_hash", "0123abcd").put("cache", cache);
            run.set("spec", edit.apply(finished));
            Files.createDirectories(d.resolve("out"));
            Files.writeString(d.resolve("out").resolve("run.json"), run.toString());
            return args;
        }, List.of(expected));
    }

    private static ObjectNode budget(ObjectNode spec, int budget) {
        ((ObjectNode) spec.path("search")).put("budget", budget);
        return spec;
    }

    /**
     * A search of the table {@code write} puts at train.parquet, split by a test fraction. Spark writes a
     * table as a folder of files: they are written before the case's snapshot.
     */
    private static Case table(String name, TableWriter write, String... expected) {
        return new Case(name, d -> {
            List<String> args = search(d, TestData.spec(d, SPACE, "  budget: 1"));
            write.write(d);
            return with(args, "--set", "data.format=parquet", "--set", "data.train=" + table(d), "--set",
                    "data.test=null", "--set", "data.testFraction=0.5");
        }, List.of(expected));
    }

    private static String table(Path d) {
        return d.resolve("train.parquet").toUri().toString();
    }

    /** A schema of the (name, type) pairs given. */
    private static StructType schema(Object... namesAndTypes) {
        StructType schema = new StructType();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            schema = schema.add((String) namesAndTypes[i], (DataType) namesAndTypes[i + 1]);
        }
        return schema;
    }

    private static List<String> none(Path d) {
        return List.of();
    }

    private static List<String> lines(Path file, String... content) throws Exception {
        Files.writeString(file, String.join("\n", content) + "\n");
        return List.of();
    }

    private static String idxSpec(Path d) {
        return String.join("\n", "name: images", "data:", "  format: idx", "  dir: " + d.toUri(), "  numClasses: 4",
                "model:", "  hidden: [8]", "  epochs: 1", "space:", SPACE, "search:", "  budget: 1", "");
    }

    static Stream<Case> cases() {
        return Stream.of(
                // the spec file and its YAML
                new Case("missing spec file", d -> List.of("search", "--spec", d.resolve("nope.yaml").toString(),
                        "--out", d.resolve("out").toString()), List.of("nope.yaml", "no such file")),
                new Case("options without a command mean search", d -> List.of("--spec",
                        d.resolve("nope.yaml").toString(), "--out", d.resolve("out").toString()),
                        List.of("nope.yaml", "no such file")),
                new Case("spec is a directory", d -> {
                    Files.createDirectory(d.resolve("specs"));
                    return List.of("search", "--spec", d.resolve("specs").toString(), "--out", d.resolve("out").toString());
                }, List.of("specs", "is a directory")),
                new Case("spec not UTF-8", d -> latin1Spec(d, "search"), List.of("spec.yaml", "0xE9", "line 1", "UTF-8")),
                new Case("spec not UTF-8, validated", d -> latin1Spec(d, "validate"),
                        List.of("spec.yaml", "0xE9", "line 1", "UTF-8")),
                spec("empty spec", y -> "", "spec.yaml", "empty"),
                spec("spec is a list", y -> "- a\n- b\n", "spec.yaml", "mapping"),
                spec("YAML syntax error", y -> y.replace("ratio: [0.5]", "ratio: [0.5"), "spec.yaml", "not valid YAML",
                        "line"),
                spec("YAML bad indentation", y -> y.replace("  budget: 1", " budget: 1"), "spec.yaml", "not valid YAML"),
                spec("field given twice", y -> y.replace("  budget: 1", "  budget: 1\n  budget: 4"), "spec.yaml",
                        "'search.budget'", "given twice"),
                spec("top-level field given twice", y -> y + "name: again\n", "spec.yaml", "'name'", "given twice"),
                spec("unknown top-level field", y -> y + "spaces: {}\n", "spec.yaml", "'spaces'", "space"),
                spec("unknown search field", y -> y.replace("  budget: 1", "  budgt: 1"), "spec.yaml", "search.budgt",
                        "budget"),
                spec("unknown data field", y -> y.replace("  numClasses: 4", "  numClass: 4"), "data.numClass",
                        "numClasses"),
                // the search space
                spec("unknown dimension", y -> y.replace("  ratio:", "  ratios:"), "space.ratios", "granularity"),
                spec("unknown scorer", y -> y.replace(SPACE, SPACE + "\n  scorer: [magnitude, bogus]"),
                        "space.scorer[1]", "bogus", "magnitude"),
                spec("unknown granularity", y -> y.replace(SPACE, SPACE + "\n  granularity: block"),
                        "space.granularity", "block", "neuron"),
                spec("unknown scope", y -> y.replace(SPACE, SPACE + "\n  scope: everywhere"), "space.scope",
                        "everywhere", "layerwise"),
                spec("unknown schedule", y -> y.replace(SPACE, SPACE + "\n  schedule: sometimes"), "space.schedule",
                        "sometimes", "oneshot"),
                spec("ratio above 1", y -> y.replace("[0.5]", "[0.5, 1.2]"), "space.ratio[1]", "1.2"),
                spec("negative ratio", y -> y.replace("[0.5]", "-0.1"), "space.ratio", "-0.1"),
                spec("ratio not a number", y -> y.replace("[0.5]", "[half]"), "space.ratio[0]", "half"),
                spec("empty list of values", y -> y.replace("[0.5]", "[]"), "space.ratio", "at least one value"),
                spec("range with the grid strategy", y -> y.replace("[0.5]", "{min: 0.5, max: 0.9}"), "space",
                        "grid"),
                random("range above 1", "{min: 0.5, max: 1.5}", "space.ratio.max", "1.5"),
                random("range min above max", "{min: 0.9, max: 0.5}", "space.ratio.max", "min"),
                random("log range from 0", "{min: 0.0, max: 0.5, log: true}", "space.ratio.min", "log"),
                spec("unknown range field", y -> y.replace("[0.5]", "{min: 0.5, max: 0.9, step: 0.1}"),
                        "space.ratio.step", "log, max, min"),
                spec("list of spaces with random", y -> y.replace("space:\n" + SPACE, "space:\n  - ratio: [0.5]")
                        + "  strategy: random\n", "space", "grid"),
                // search settings
                set("budget 0", "search.budget=0", "search.budget", "0"),
                set("budget not a number", "search.budget=many", "search.budget", "many"),
                set("negative epoch budget", "search.epochBudget=-1", "search.epochBudget", "-1"),
                set("negative parallelism", "search.parallelism=-1", "search.parallelism", "-1"),
                set("no threads per task", "search.threadsPerTask=0", "search.threadsPerTask", "0", ">= 1"),
                set("negative threads per task", "search.threadsPerTask=-2", "search.threadsPerTask", "-2"),
                set("unknown execution", "search.execution=both", "search.execution", "both", "data-parallel"),
                set("averaging frequency 0", "search.averagingFrequency=0", "search.averagingFrequency", "0"),
                set("unknown strategy", "search.strategy=bayes", "search.strategy", "bayes", "halving"),
                search("misspelled halving option", "  strategy: halving\n  options:\n    etaa: 3",
                        "spec.yaml", "search.options.etaa", "eta, maxEpochs, metric, minEpochs"),
                search("misspelled nsga2 option", "  strategy: nsga2\n  options:\n    populaton: 8",
                        "search.options.populaton", "population"),
                search("option of another strategy", "  strategy: halving\n  options:\n    population: 8",
                        "search.options.population", "eta"),
                search("an option for the grid", "  options:\n    eta: 3", "search.options.eta", "none"),
                search("halving eta below 2", "  strategy: halving\n  options:\n    eta: 1", "spec.yaml", "eta", "1"),
                search("halving eta not a number", "  strategy: halving\n  options:\n    eta: three", "eta", "three"),
                search("tpe gamma above 1", "  strategy: tpe\n  options:\n    gamma: 1.5", "spec.yaml", "gamma", "1.5"),
                search("tpe option for asha's random sampler", "  strategy: asha\n  options:\n    startup: 5", "startup",
                        "sampler: tpe"),
                search("nsga2 population 1", "  strategy: nsga2\n  options:\n    population: 1", "population", "1"),
                search("sensitivity budget too small", "  strategy: sensitivity\n  options:\n    scanRatios: [0.3, 0.6]",
                        "sensitivity", "budget 1", "7 trials"),
                // data settings
                set("unknown data format", "data.format=avro", "data.format", "idx, csv, parquet, orc, spark-csv"),
                spec("table without a test table or fraction", y -> y.replace("format: csv", "format: parquet")
                        .replaceAll("\n  test: [^\n]*", ""), "data.testFraction", "(0, 1)"),
                set("CSV file read as a Parquet table", "data.format=parquet", "train.csv", "as parquet",
                        "not a Parquet file"),
                set("table columns for a CSV file", "data.vector=pixels", "data.format", "parquet, orc or spark-csv"),
                set("one class", "data.numClasses=1", "data.numClasses", "1"),
                set("negative train limit", "data.trainLimit=-1", "data.trainLimit", "-1"),
                set("validation fraction above 1", "data.validationFraction=1.5", "data.validationFraction", "1.5"),
                set("no validation split to select on", "data.validationFraction=0", "data.validationFraction",
                        "objective.selectOn: test"),
                set("validation fraction leaves no rows", "data.validationFraction=0.0001", "validationFraction",
                        "no validation"),
                set("unknown selection split", "objective.selectOn=train", "objective.selectOn", "validation, test"),
                set("tolerance above 1", "objective.maxAccuracyDrop=2", "objective.maxAccuracyDrop", "2"),
                set("certainty", "objective.confidence=1", "objective.confidence", "[0.5, 1)"),
                set("confidence below even", "objective.confidence=0.3", "objective.confidence", "0.3"),
                set("fine-tuning batch 0", "finetune.batchSize=0", "finetune.batchSize", "0"),
                set("no calibration batches", "finetune.calibrationBatches=0", "finetune.calibrationBatches", "0"),
                set("negative models kept", "output.keepModels=-1", "output.keepModels", "-1"),
                set("negative console rows", "output.consoleRows=-1", "output.consoleRows", "-1"),
                set("unknown architecture", "model.architecture=resnet", "model.architecture", "resnet", "mlp"),
                set("no hidden layers", "model.hidden=[]", "model.hidden"),
                set("hidden layer of 0 units", "model.hidden=[0]", "model.hidden", "0"),
                // sized before it is allocated: a native allocation failure would end the JVM with exit 1
                set("model far larger than memory", "model.hidden=[200000000]", "model.hidden",
                        "4,200,000,004 parameters", "GB", "maxphysicalbytes"),
                new Case("model far larger than memory, validated", d -> List.of("validate", "--spec",
                        search(d, TestData.spec(d, SPACE, "  budget: 1")).get(2), "--set", "model.hidden=[200000000]"),
                        List.of("model.hidden", "GB", "maxphysicalbytes")),
                set("negative epochs", "model.epochs=-1", "model.epochs", "-1"),
                set("learning rate 0", "model.learningRate=0", "model.learningRate", "0"),
                set("base batch 0", "model.batchSize=0", "model.batchSize", "0"),
                set("blank name", "name=''", "name"),
                set("CNN on tabular data", "model.architecture=lenet5", "lenet5", "image"),
                // the command line
                set("--set without a value", "nonsense", "--set", "field.path=value"),
                set("--set into a value", "name.first=x", "--set", "'name'", "not a mapping"),
                set("--set with bad YAML", "space.ratio=[0.5,", "--set", "not valid YAML"),
                new Case("unknown option", d -> List.of("search", "--spek", "x", "--spec", "y", "--out", "z"),
                        List.of("--spek")),
                new Case("no --out", d -> List.of("search", "--spec", "y"), List.of("--out")),
                // data files
                data("missing training file", d -> {
                    Files.delete(d.resolve("train.csv"));
                    return none(d);
                }, "train.csv", "no such file"),
                data("missing test file", d -> {
                    Files.delete(d.resolve("test.csv"));
                    return none(d);
                }, "test.csv", "no such file"),
                data("feature not a number", d -> lines(d.resolve("train.csv"), "label,a,b", "1,0.5,0.2", "2,x,0.1"),
                        "train.csv", "line 3", "'x'"),
                data("NaN feature", d -> lines(d.resolve("train.csv"), "label,a,b", "1,0.5,0.2", "2,NaN,0.1"),
                        "train.csv", "line 3", "NaN", "finite"),
                data("infinite feature", d -> lines(d.resolve("test.csv"), "label,a,b", "1,0.5,-Infinity"),
                        "test.csv", "line 2", "Infinity", "finite"),
                data("label out of range", d -> lines(d.resolve("train.csv"), "label,a", "1,0.5", "9,0.1"),
                        "train.csv", "line 3", "'9'", "0..3"),
                data("label not a number", d -> lines(d.resolve("train.csv"), "label,a", "cat,0.5"),
                        "train.csv", "line 2", "'cat'"),
                data("row with a missing column", d -> lines(d.resolve("train.csv"), "label,a,b", "1,0.5,0.2", "2,0.1"),
                        "train.csv", "line 3"),
                data("empty CSV", d -> {
                    Files.writeString(d.resolve("train.csv"), "");
                    return none(d);
                }, "train.csv", "empty"),
                data("unknown label column", d -> List.of("--set", "data.labelColumn=target"), "train.csv",
                        "'target'"),
                // tables read by Spark
                table("table without the label column", d -> TestData.table(table(d), "parquet",
                        List.of(RowFactory.create(1, 0.5)), schema("y", DataTypes.IntegerType, "a", DataTypes.DoubleType)),
                        "train.parquet", "no label column 'label'"),
                table("table of mixed vector lengths", d -> TestData.table(table(d), "parquet", List.of(
                        RowFactory.create(1, new double[] {0.5, 0.2}), RowFactory.create(2, new double[] {0.1})),
                        schema("label", DataTypes.IntegerType, "x", DataTypes.createArrayType(DataTypes.DoubleType))),
                        "train.parquet", "row 1", "holds 1 values, row 0 holds 2"),
                table("table with a text feature column", d -> TestData.table(table(d), "parquet",
                        List.of(RowFactory.create(1, 0.5, "x")),
                        schema("label", DataTypes.IntegerType, "a", DataTypes.DoubleType, "b", DataTypes.StringType)),
                        "train.parquet", "feature column 'b'", "string", "not numeric"),
                table("table with a NaN feature", d -> TestData.table(table(d), "parquet",
                        List.of(RowFactory.create(1, 0.5), RowFactory.create(2, Double.NaN)),
                        schema("label", DataTypes.IntegerType, "a", DataTypes.DoubleType)),
                        "train.parquet", "row 1", "column 'a'", "NaN", "finite"),
                table("table label outside the classes", d -> TestData.table(table(d), "parquet",
                        List.of(RowFactory.create(1, 0.5), RowFactory.create(9, 0.1)),
                        schema("label", DataTypes.IntegerType, "a", DataTypes.DoubleType)),
                        "train.parquet", "row 1", "label 9", "0..3"),
                data("test columns differ from training", d -> {
                    TestData.blobsCsv(d.resolve("test.csv"), 50, 12, 4, 2);
                    return none(d);
                }, "test.csv", "12-feature", "16-feature"),
                new Case("test images of another shape", d -> {
                    TestData.images(d, DataLocation.TRAIN_IMAGES, DataLocation.TRAIN_LABELS, 40, 28, 28, 1);
                    TestData.images(d, DataLocation.TEST_IMAGES, DataLocation.TEST_LABELS, 20, 27, 29, 2);
                    Files.writeString(d.resolve("spec.yaml"), idxSpec(d));
                    return List.of("search", "--spec", d.resolve("spec.yaml").toString(), "--out", d.resolve("out").toString());
                }, List.of(DataLocation.TEST_IMAGES, "27x29", "28x28")),
                new Case("truncated IDX file", d -> {
                    TestData.writeImages(d, 40, 20);
                    Path images = d.resolve(DataLocation.TRAIN_IMAGES);
                    byte[] raw = new java.util.zip.GZIPInputStream(Files.newInputStream(images)).readAllBytes();
                    Files.write(images, Arrays.copyOf(raw, raw.length / 2));
                    Files.writeString(d.resolve("spec.yaml"), idxSpec(d));
                    return List.of("search", "--spec", d.resolve("spec.yaml").toString(), "--out", d.resolve("out").toString());
                }, List.of(DataLocation.TRAIN_IMAGES, "truncated")),
                new Case("images without as many labels", d -> {
                    TestData.writeImages(d, 40, 20);
                    TestData.images(d, "other-images", DataLocation.TRAIN_LABELS, 30, 28, 28, 1);
                    Files.delete(d.resolve("other-images"));
                    Files.writeString(d.resolve("spec.yaml"), idxSpec(d));
                    return List.of("search", "--spec", d.resolve("spec.yaml").toString(), "--out", d.resolve("out").toString());
                }, List.of(DataLocation.TRAIN_IMAGES, "40 images")),
                new Case("missing IDX folder", d -> {
                    Files.writeString(d.resolve("spec.yaml"), idxSpec(d.resolve("nowhere")));
                    return List.of("search", "--spec", d.resolve("spec.yaml").toString(), "--out", d.resolve("out").toString());
                }, List.of("nowhere", "no such file")),
                // the base model and the layers
                data("model file that is not a model", d -> {
                    Files.writeString(d.resolve("model.zip"), "not a model");
                    return List.of("--set", "model.file=" + d.resolve("model.zip").toUri());
                }, "model.zip", "not a DL4J"),
                data("missing model file", d -> List.of("--set", "model.file=" + d.resolve("gone.zip").toUri()),
                        "gone.zip", "no such file"),
                data("Keras 3 .keras archive as model file", d -> {
                    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(d.resolve("model.keras")))) {
                        for (String entry : List.of("metadata.json", "config.json", "model.weights.h5")) {
                            zip.putNextEntry(new ZipEntry(entry));
                            zip.closeEntry();
                        }
                    }
                    return List.of("--set", "model.file=" + d.resolve("model.keras").toUri());
                }, "model.keras", "Keras 3", "model.save('model.h5')"),
                data("TensorFlow SavedModel folder as model file", d -> {
                    Files.writeString(Files.createDirectories(d.resolve("exported")).resolve("saved_model.pb"), "x");
                    return List.of("--set", "model.file=" + d.resolve("exported").toUri());
                }, "exported", "SavedModel", "model.save('model.h5')"),
                data("HDF5 file that is not a Keras model", d -> List.of("--set",
                        "model.file=" + TestData.keras("plain.h5").toUri()), "plain.h5", "without a Keras model_config"),
                data("Keras layer Shears does not import", d -> List.of("--set",
                        "model.file=" + TestData.keras("conv2d_transpose.h5").toUri()), "conv2d_transpose.h5",
                        "layer conv2d_transpose_1 (Conv2DTranspose) is not supported", "Dense, Conv2D, MaxPooling2D"),
                spec("ratio of an unknown layer", y -> y.replace(SPACE, SPACE + "\n  ratio.dense7: [0.5]"),
                        "spec.yaml", "space.ratio.dense7", "dense7", "dense0, dense1, output"),
                spec("ratio of a layer out of range", y -> y.replace(SPACE, SPACE + "\n  ratio.dense0: [1.5]"),
                        "spec.yaml", "space.ratio.dense0", "1.5", "[0, 1)"),
                spec("unknown layer name", y -> y.replace(SPACE, SPACE + "\n  layers: [all, dense7]"),
                        "spec.yaml", "space.layers", "dense7", "dense0"),
                spec("filter granularity on an MLP", y -> y.replace(SPACE, SPACE + "\n  granularity: filter"),
                        "spec.yaml", "space.granularity", "'filter'", "no layer of this model"),
                spec("channel granularity on an MLP", y -> y.replace(SPACE, SPACE + "\n  granularity: [weight, channel]"),
                        "space.granularity", "'channel'"),
                spec("unknown layer to keep whole", y -> y.replace(SPACE, SPACE + "\n  keepWhole: dense0+dense7"),
                        "spec.yaml", "space.keepWhole", "'dense7'"),
                spec("unknown group score", y -> y.replace(SPACE, SPACE + "\n  groupScore: median"),
                        "space.groupScore", "median", "producers"),
                // the output location and earlier runs
                data("--out is a file", d -> {
                    Files.writeString(d.resolve("out"), "x");
                    return none(d);
                }, "out", "is a file"),
                data("--out holds other files", d -> {
                    Files.createDirectories(d.resolve("out"));
                    Files.writeString(d.resolve("out").resolve("notes.txt"), "x");
                    return none(d);
                }, "out", "already holds"),
                new Case("--out cannot be written", d -> {
                    List<String> args = search(d, TestData.spec(d, SPACE, "  budget: 1"));
                    Files.writeString(d.resolve("blocker"), "x");
                    args.set(args.indexOf("--out") + 1, d.resolve("blocker").resolve("out").toString());
                    return args;
                }, List.of("blocker", "cannot")),
                data("--compare-to without a run", d -> List.of("--compare-to", d.resolve("monday").toString()),
                        "--compare-to", "monday"),
                data("--resume a stopped run of another spec", d -> {
                    Path checkpoint = Files.createDirectories(d.resolve("out.partial-x1").resolve("checkpoint"));
                    Files.writeString(checkpoint.resolve("spec.sha256"), "0123abcd");
                    return List.of("--resume");
                }, "--resume", "different spec", "0123abcd"),
                data("--resume a finished run of another spec", d -> {
                    Files.createDirectories(d.resolve("out"));
                    Files.writeString(d.resolve("out").resolve("run.json"), "{\"spec_hash\": \"0123abcd\"}");
                    return List.of("--resume");
                }, "--resume", "different spec", "0123abcd"),
                extend("--extend a finished run with a larger budget", s -> budget(s, 8), "/tmp/cache",
                        "search.budget 4", "below the finished run's 8"),
                extend("--extend a finished run whose spec changed besides the budget",
                        s -> budget(s.put("seed", 8), 2), "/tmp/cache", "different spec", "only search.budget"),
                extend("--extend a finished run made without the trial cache", s -> budget(s, 2), null,
                        "--extend", "without the trial cache"),
                extend("--extend with the trial cache turned off", s -> budget(s, 2), "none",
                        "--extend", "turned off"),
                data("--fail-if-worse without --compare-to", d -> List.of("--fail-if-worse", "2"), "--fail-if-worse",
                        "--compare-to"),
                set("negative trial timeout", "search.trialTimeout=-1", "search.trialTimeout", "-1"),
                set("unknown constraint", "objective.constraints={maxLatency: 1}", "objective.constraints",
                        "'maxLatency'", "maxLatencyB1Ms"),
                set("constraint not above 0", "objective.constraints={minCompression: 0}", "objective.constraints",
                        "'minCompression'", "> 0"),
                set("latency constraint without latency", "objective.constraints={maxLatencyB64Ms: 5}",
                        "search.measureLatency", "false"),
                new Case("history of a missing folder", d -> List.of("history", d.resolve("nights").toString()),
                        List.of("nights", "no such folder")),
                data("unreachable master", d -> List.of("--master", "spark://127.0.0.1:9"), "127.0.0.1:9"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedInOneLineWithNothingWritten(Case c) throws Exception {
        List<String> args = c.setup().prepare(dir);
        Map<String, Long> before = snapshot();
        String err = run(2, args.toArray(String[]::new));
        // progress lines of the log (data read, base model built) may come before the error
        List<String> said = err.lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).find()).toList();
        assertEquals(1, said.size(), "one line: " + err);
        assertTrue(said.get(0).startsWith("shears: error: "), err);
        for (String fragment : c.expected()) {
            assertTrue(said.get(0).contains(fragment), "'" + fragment + "' in: " + said.get(0));
        }
        assertEquals(before, snapshot(), "nothing written");
    }

    @Test
    void theTableCoversEveryKindOfBadInput() {
        assertTrue(cases().count() >= 60, "cases: " + cases().count());
    }

    /** Every file and folder under the test's folder, with its size and modification time. */
    private Map<String, Long> snapshot() throws Exception {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                files.put(dir.relativize(p).toString(), Files.size(p) * 31 + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }

    private String run(int expectedCode, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(err, true));
            assertEquals(expectedCode, ShearsMain.execute(args), err.toString());
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    @Test
    void validateAcceptsAGoodSpecAndDescribesItsDataAndModel() throws Exception {
        List<String> args = search(dir, TestData.spec(dir, "  ratio: [0.5, 0.9]\n  scorer: [magnitude, random]", ""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true));
            run(0, "validate", "--spec", args.get(2));
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("data: 480 training, 120 validation, 300 test rows"), out.toString());
        assertTrue(out.toString().contains("prunable layers: dense0, dense1, output"), out.toString());
    }

    @Test
    void validateChecksLayerNamesAndStrategyOptionsLikeASearch() throws Exception {
        String spec = search(dir, TestData.spec(dir, "  layers: [dense7]", "")).get(2);
        String err = run(2, "validate", "--spec", spec);
        assertTrue(err.contains("space.layers") && err.contains("dense7"), err);
        spec = search(dir, TestData.spec(dir, SPACE, "  strategy: sensitivity\n  budget: 4\n  options:\n    scanRatios: [0.3, 0.6]")).get(2);
        err = run(2, "validate", "--spec", spec);
        assertTrue(err.contains("budget 4") && err.contains("7 trials"), err);
    }

    @Test
    void validateSpecOnlyLeavesTheDataAlone() throws Exception {
        String spec = search(dir, TestData.spec(dir, SPACE, "")).get(2);
        Files.delete(dir.resolve("train.csv"));
        run(0, "validate", "--spec-only", "--spec", spec);
        String err = run(2, "validate", "--spec", spec);
        assertTrue(err.contains("train.csv") && err.contains("no such file"), err);
    }

    @Test
    void strategyOptionsAreCheckedBeforeTraining() throws Exception {
        // 3 layers x 2 scan ratios + 1 final candidate need a budget of 7; training 5,000 epochs first would take minutes
        List<String> args = search(dir, TestData.spec(dir, SPACE,
                "  strategy: sensitivity\n  budget: 4\n  options:\n    scanRatios: [0.3, 0.6]"));
        String err = run(2, with(args, "--set", "model.epochs=5000").toArray(String[]::new));
        assertTrue(err.contains("7 trials"), err);
        // the same refusal from the driver, whose base-model trainer must not have been called
        AtomicInteger trained = new AtomicInteger();
        FineTuner counting = (net, data, targets, epochs, batch, rate, seed, mask, hook) ->
                trained.incrementAndGet();
        RuntimeException refused = assertThrows(RuntimeException.class, () -> SearchJob.prepare(
                SpecLoader.load(args.get(2), List.of("model.epochs=5000")), args.get(4),
                Start.fresh(), counting, TableReader.NONE));
        assertTrue(refused.getMessage().contains("7 trials"), refused.getMessage());
        assertEquals(0, trained.get(), "refused before training");
    }
}
