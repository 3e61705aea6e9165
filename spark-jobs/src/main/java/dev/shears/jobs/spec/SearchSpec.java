package dev.shears.jobs.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search spec as written in YAML: data, base model, search space, strategy and budget,
 * fine-tuning, objective and output. Field defaults live here so that a spec says only what
 * differs. Unknown fields are rejected when the spec is read.
 */
public final class SearchSpec {

    /** Used in logs, the report title and Spark's application name. */
    public String name = "search";
    /** Seeds the base model, data splits, shuffles, scorers and strategies. */
    public long seed = 42;
    public DataSpec data = new DataSpec();
    public ModelSpec model = new ModelSpec();
    /**
     * Dimension name to a value, a list of values, or a range {min, max, log}; or a list of such
     * mappings, whose grids the grid strategy walks one after another.
     */
    public JsonNode space;
    public SearchSettings search = new SearchSettings();
    public FinetuneSpec finetune = new FinetuneSpec();
    public ObjectiveSpec objective = new ObjectiveSpec();
    public OutputSpec output = new OutputSpec();

    /** Where the data is and how it is cut. */
    public static final class DataSpec {
        /**
         * {@code idx} (MNIST-style files), {@code csv}, or a table Spark reads: {@code parquet}, {@code orc},
         * {@code spark-csv}.
         */
        public String format = "idx";
        /** IDX: folder holding the four standard Fashion-MNIST/MNIST file names. */
        public String dir = "file:///usr/share/datasets/fashion-mnist";
        public String trainImages;
        public String trainLabels;
        public String testImages;
        public String testLabels;
        /** CSV and tables: the training and test tables (tables: {@code test} may be left out, see testFraction). */
        public String train;
        public String test;
        public String labelColumn = "label";
        public boolean header = true;
        /** Tables without {@code test}: share of the training table's rows set aside, by the seed, as the test split. */
        public double testFraction = 0;
        /** Tables: the numeric feature columns, in order; default every column but the label (or the one array column). */
        public List<String> features;
        /** Tables: one array or ML-vector column holding all features of a row, instead of {@code features}. */
        public String vector;
        /** Tables: {@code [channels, height, width]} of an image row (features in that order), for CNNs. */
        public List<Integer> shape;
        public int numClasses = 10;
        /** Rows of the training / test files to use; 0 = all. */
        public int trainLimit = 0;
        public int testLimit = 0;
        /** Share of training rows held out for validation (strategies and adaptive schedules look at it). */
        public double validationFraction = 0.1;
    }

    /** The base model: a model file to load, or a network to train. */
    public static final class ModelSpec {
        /** A DL4J model file (chain or graph) or a Keras HDF5 model (any Hadoop location). When set, nothing is trained. */
        public String file;
        /** {@code mlp} (uses {@code hidden}), {@code lenet5} or {@code cnn-small} (image data only). */
        public String architecture = "mlp";
        public List<Integer> hidden = new ArrayList<>(List.of(300, 100));
        public int epochs = 3;
        public double learningRate = 1e-3;
        public int batchSize = 128;
    }

    /** How the strategy explores the space. */
    public static final class SearchSettings {
        public String strategy = "grid";
        /** The most candidates (trials) to evaluate. */
        public int budget = 16;
        /** The most fine-tuning epochs to spend over all trials; 0 = no limit. */
        public int epochBudget = 0;
        /** Candidates evaluated at once; 0 = every core Spark offers. */
        public int parallelism = 0;
        /** ND4J threads per Spark task, so that tasks side by side do not oversubscribe cores. */
        public int threadsPerTask = 1;
        /**
         * {@code per-candidate}: each candidate is one Spark task, many at once. {@code data-parallel}:
         * the base model and each candidate, one after another, train across all executors with
         * dl4j-spark parameter averaging (for models or data too large for one task).
         */
        public String execution = "per-candidate";
        /** data-parallel: mini-batches each worker fits between parameter averagings. */
        public int averagingFrequency = 5;
        /** Seconds one trial may run before it stops as a TIMEOUT row; 0 = no limit. */
        public double trialTimeout = 0;
        /** Time forward passes of every candidate (latency columns). */
        public boolean measureLatency = true;
        /** Strategy-specific settings (eta, population, objectives, ...). */
        public Map<String, Object> options = new LinkedHashMap<>();
    }

    /** Fine-tuning and scoring settings that are not search dimensions. */
    public static final class FinetuneSpec {
        public int batchSize = 128;
        /** Training batches that data-driven scorers (gradient, activation, Fisher) look at. */
        public int calibrationBatches = 4;
    }

    /** What a good candidate is. */
    public static final class ObjectiveSpec {
        /** Candidates losing at most this much accuracy against the base, on {@code selectOn}, rank first. */
        public double maxAccuracyDrop = 0.02;
        /**
         * One-sided confidence that a chosen candidate's drop is within {@code maxAccuracyDrop}, allowing for the
         * noise of a drop measured on the split's rows ({@link Tolerance}); 0.5, the default, compares the
         * measured drop itself.
         */
        public double confidence = Tolerance.POINT;
        /**
         * The split every decision reads: {@code validation} (held out from training) or, only when a
         * spec says so explicitly, {@code test}; the test split is otherwise only reported.
         */
        public String selectOn = "validation";
        /**
         * Limits a candidate must keep to be chosen, ranked among the good or promoted, by name
         * ({@link Constraints#names()}: {@code minCompression}, {@code maxLatencyB1Ms}, ...); none by default.
         */
        public Map<String, Object> constraints = new LinkedHashMap<>();

        /** {@code constraints} as the type that checks them (the values were checked when the spec was read). */
        public Constraints constraints() {
            return Constraints.of(constraints);
        }

        /** {@code maxAccuracyDrop} and {@code confidence} as the rule that reads them. */
        public Tolerance tolerance() {
            return new Tolerance(maxAccuracyDrop, confidence);
        }

        /** {@code selectOn} as a split (checked when the spec is read). */
        public SelectionSplit split() {
            return SelectionSplit.of(selectOn);
        }
    }

    /** What is written besides the tables. */
    public static final class OutputSpec {
        /** How many of the best pruned models to save under models/. */
        public int keepModels = 3;
        /** Rows shown on the console. */
        public int consoleRows = 10;
    }
}
