package dev.shears.jobs.spark;

import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.LabeledData;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads a search's tables with Spark and checks them: the label column exists and holds classes
 * 0..numClasses-1, every feature is a finite number, and every row has as many as the first.
 * Executors turn each row into label and float32 features (or the first problem they find in it), so
 * the driver gathers compact rows, not boxed values; problems are reported with the row's number.
 */
public final class SparkTables implements TableReader {

    private static final byte OK = 0;
    private static final byte PROBLEM = 1;

    private final SparkSession spark;

    public SparkTables(SparkSession spark) {
        this.spark = spark;
    }

    @Override
    public Tables read(SearchSpec.DataSpec d, long seed) {
        String trainPath = SpecLoader.toUri(d.train);
        List<String> description = new ArrayList<>();
        LabeledData train = table(d, trainPath, d.trainLimit, description);
        LabeledData test;
        if (d.test != null) {
            String testPath = SpecLoader.toUri(d.test);
            test = table(d, testPath, d.testLimit, description);
            if (test.width() != train.width()) {
                throw new BadInputException(testPath + ": rows of " + test.width() + " feature values, but " + trainPath
                        + " has " + train.width() + " (the test rows must have the training rows' shape)");
            }
        } else {
            int held = (int) Math.round(train.size() * d.testFraction);
            if (held < 1 || held >= train.size()) {
                throw new BadInputException("data.testFraction " + d.testFraction + " of " + train.size() + " rows in "
                        + trainPath + " leaves no test or no training rows");
            }
            int[] perm = train.permutation(seed);
            test = train.rows(Arrays.copyOfRange(perm, 0, held));
            train = train.rows(Arrays.copyOfRange(perm, held, perm.length));
            description.add("  test: " + held + " of its rows (data.testFraction " + d.testFraction + ")");
        }
        return new Tables(train, test, description);
    }

    private LabeledData table(SearchSpec.DataSpec d, String path, int limit, List<String> description) {
        Dataset<Row> df = load(d, path);
        StructType schema = df.schema();
        List<String> columns = Arrays.asList(schema.fieldNames());
        String label = d.labelColumn;
        if (!columns.contains(label)) {
            throw new BadInputException(path + ": no label column '" + label + "' (columns: " + String.join(", ", columns)
                    + "; data.labelColumn names it)");
        }
        requireNumeric(path, "label column", label, schema.apply(label).dataType());
        String vector = d.vector;
        List<String> features = d.features;
        if (vector == null && features == null) {
            List<String> others = columns.stream().filter(c -> !c.equals(label)).toList();
            boolean oneVector = others.size() == 1 && isVector(schema.apply(others.get(0)).dataType());
            vector = oneVector ? others.get(0) : null;
            features = oneVector ? null : others;
        }
        List<Column> selected = new ArrayList<>(List.of(functions.col(label)));
        List<String> names;
        if (vector != null) {
            if (!columns.contains(vector)) {
                throw new BadInputException(path + ": no vector column '" + vector + "' (columns: "
                        + String.join(", ", columns) + ")");
            }
            DataType type = schema.apply(vector).dataType();
            if (!isVector(type)) {
                throw new BadInputException(path + ": column '" + vector + "' is " + type.simpleString()
                        + ", not an array of numbers or an ML vector (data.vector)");
            }
            selected.add(functions.col(vector));
            names = List.of(vector);
        } else {
            if (features.isEmpty()) {
                throw new BadInputException(path + ": no feature columns besides the label column '" + label + "'");
            }
            for (String f : features) {
                if (!columns.contains(f)) {
                    throw new BadInputException(path + ": no feature column '" + f + "' (columns: "
                            + String.join(", ", columns) + ")");
                }
                requireNumeric(path, "feature column", f, schema.apply(f).dataType());
                selected.add(functions.col(f));
            }
            names = features;
        }
        Dataset<Row> rows = df.select(selected.toArray(Column[]::new));
        if (limit > 0) {
            rows = rows.limit(limit);
        }
        List<byte[]> encoded;
        try {
            encoded = rows.map(new Encode(names, vector != null, d.numClasses), Encoders.BINARY()).collectAsList();
        } catch (Exception e) {
            // files that only show they are damaged when their rows are read
            throw unreadable(d, path, e);
        }
        LabeledData data = assemble(path, encoded, vector, d);
        description.add("  " + path + ": " + data.size() + " rows; label '" + label + "', " + (vector != null
                ? "vector column '" + vector + "' of " + data.width() + " values"
                : names.size() + " feature columns"));
        return data;
    }

    private Dataset<Row> load(SearchSpec.DataSpec d, String path) {
        try {
            return switch (d.format) {
                case "parquet" -> spark.read().parquet(path);
                case "orc" -> spark.read().orc(path);
                case "spark-csv" -> spark.read().option("header", d.header).option("inferSchema", true).csv(path);
                default -> throw new IllegalArgumentException("not a table format: " + d.format);
            };
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            // Spark's AnalysisException (no such path) or a failed job (not a table of this format)
            throw unreadable(d, path, e);
        }
    }

    /** What Spark found wrong, in one line: the innermost cause says it, the outer ones wrap it in job details. */
    private static BadInputException unreadable(SearchSpec.DataSpec d, String path, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return new BadInputException(path + ": cannot be read as " + d.format + ": " + why, e);
    }

    private static void requireNumeric(String path, String what, String column, DataType type) {
        if (!(type instanceof NumericType)) {
            throw new BadInputException(path + ": " + what + " '" + column + "' is " + type.simpleString()
                    + ", not numeric");
        }
    }

    /** An array of numbers, or Spark ML's vector (as its type, or as the struct it is stored as). */
    private static boolean isVector(DataType type) {
        if (type instanceof ArrayType array) {
            return array.elementType() instanceof NumericType;
        }
        if (type instanceof UserDefinedType<?> udt) {
            return isVector(udt.sqlType());
        }
        return type instanceof StructType struct
                && Arrays.asList(struct.fieldNames()).equals(List.of("type", "size", "indices", "values"));
    }

    /** The rows as one data set, or the first problem an executor found, with the row's number. */
    private static LabeledData assemble(String path, List<byte[]> encoded, String vector, SearchSpec.DataSpec d) {
        if (encoded.isEmpty()) {
            throw new BadInputException(path + ": the table has no rows");
        }
        int width = -1;
        for (int i = 0; i < encoded.size(); i++) {
            byte[] row = encoded.get(i);
            if (row[0] == PROBLEM) {
                throw new BadInputException(path + ": row " + i + ": "
                        + new String(row, 1, row.length - 1, StandardCharsets.UTF_8));
            }
            int values = (row.length - 5) / 4;
            if (width < 0) {
                width = values;
            } else if (values != width) {
                throw new BadInputException(path + ": row " + i + ": column '" + vector + "' holds " + values
                        + " values, row 0 holds " + width + " (every row needs as many)");
            }
        }
        int[] shape = {width};
        if (d.shape != null) {
            int c = d.shape.get(0);
            int h = d.shape.get(1);
            int w = d.shape.get(2);
            if ((long) c * h * w != width) {
                throw new BadInputException(path + ": rows of " + width + " feature values do not fit data.shape "
                        + d.shape + " (" + (long) c * h * w + " values)");
            }
            shape = new int[] {h, w, c};
        }
        float[] features = new float[encoded.size() * width];
        int[] labels = new int[encoded.size()];
        for (int i = 0; i < encoded.size(); i++) {
            ByteBuffer b = ByteBuffer.wrap(encoded.get(i), 1, encoded.get(i).length - 1);
            labels[i] = b.getInt();
            b.asFloatBuffer().get(features, i * width, width);
        }
        return new LabeledData(features, labels, d.numClasses, shape);
    }

    /**
     * A row as {@code OK}, its label (int) and features (float32), or as {@code PROBLEM} and what is wrong.
     *
     * @param names the feature columns, or the vector column
     */
    private record Encode(List<String> names, boolean vector, int numClasses) implements MapFunction<Row, byte[]> {

        @Override
        public byte[] call(Row row) throws Exception {
            Object label = row.get(0);
            if (label == null) {
                return problem("the label is empty (null)");
            }
            double l = ((Number) label).doubleValue();
            if (l != Math.rint(l) || l < 0 || l >= numClasses) {
                return problem("label " + label + " is not a class in 0.." + (numClasses - 1) + " (data.numClasses "
                        + numClasses + ")");
            }
            double[] values;
            if (vector) {
                values = row.isNullAt(1) ? null : values(row.get(1));
                if (values == null) {
                    return problem("column '" + names.get(0) + "' is empty (null) or holds an empty value");
                }
            } else {
                values = new double[names.size()];
                for (int i = 0; i < values.length; i++) {
                    if (row.isNullAt(i + 1)) {
                        return problem("column '" + names.get(i) + "' is empty (null)");
                    }
                    values[i] = ((Number) row.get(i + 1)).doubleValue();
                }
            }
            ByteBuffer b = ByteBuffer.allocate(5 + 4 * values.length).put(OK).putInt((int) l);
            for (int i = 0; i < values.length; i++) {
                float v = (float) values[i];
                // NaN and infinities would be trained on and spread through every weight
                if (!Float.isFinite(v)) {
                    return problem((vector ? "value " + i + " of column '" + names.get(0) + "'" : "column '"
                            + names.get(i) + "'") + ": " + values[i] + " is not a finite 32-bit number");
                }
                b.putFloat(v);
            }
            return b.array();
        }

        /** An array's numbers, or an ML vector's (dense or sparse), or null when an element is empty. */
        private static double[] values(Object cell) throws Exception {
            if (cell instanceof Row stored) {
                // how Spark ML stores a vector: type 0 sparse (size, indices, values), 1 dense (values)
                List<Object> vals = stored.getList(3);
                double[] out = new double[stored.getByte(0) == 0 ? stored.getInt(1) : vals.size()];
                List<Object> idx = stored.getByte(0) == 0 ? stored.getList(2) : null;
                for (int i = 0; i < vals.size(); i++) {
                    out[idx == null ? i : (Integer) idx.get(i)] = ((Number) vals.get(i)).doubleValue();
                }
                return out;
            }
            if (cell instanceof scala.collection.Seq<?> seq) {
                double[] out = new double[seq.size()];
                for (int i = 0; i < out.length; i++) {
                    Object v = seq.apply(i);
                    if (v == null) {
                        return null;
                    }
                    out[i] = ((Number) v).doubleValue();
                }
                return out;
            }
            // org.apache.spark.ml.linalg.Vector, when Spark ML is on the classpath (Shears does not depend on it)
            Method toArray = cell.getClass().getMethod("toArray");
            return (double[]) toArray.invoke(cell);
        }

        private static byte[] problem(String what) {
            byte[] text = what.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[1 + text.length];
            out[0] = PROBLEM;
            System.arraycopy(text, 0, out, 1, text.length);
            return out;
        }
    }
}
