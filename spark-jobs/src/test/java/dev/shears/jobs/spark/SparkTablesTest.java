package dev.shears.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.spec.SearchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows a table holds, as Shears trains on them. */
class SparkTablesTest {

    @TempDir
    Path dir;

    private static SearchSpec.DataSpec data(String format, String train, String test) {
        SearchSpec.DataSpec d = new SearchSpec.DataSpec();
        d.format = format;
        d.train = train;
        d.test = test;
        d.numClasses = 3;
        return d;
    }

    @Test
    void mlVectorsAsSparkStoresThemDenseAndSparseWithAnImageShape() {
        // Spark ML's vector type is stored as this struct: type 1 dense (values), 0 sparse (size, indices, values)
        StructType vector = new StructType().add("type", DataTypes.ByteType).add("size", DataTypes.IntegerType)
                .add("indices", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("values", DataTypes.createArrayType(DataTypes.DoubleType));
        StructType schema = new StructType().add("label", DataTypes.LongType).add("v", vector);
        String table = dir.resolve("vectors").toUri().toString();
        TestData.table(table, "parquet", List.of(
                RowFactory.create(2L, RowFactory.create((byte) 1, null, null, new double[] {1, 2, 3})),
                RowFactory.create(0L, RowFactory.create((byte) 0, 3, new int[] {1}, new double[] {5}))), schema);
        SearchSpec.DataSpec d = data("parquet", table, table);
        d.shape = List.of(3, 1, 1);
        TableReader.Tables read = new SparkTables(SharedSpark.get()).read(d, 1);
        assertArrayEquals(new float[] {1, 2, 3, 0, 5, 0}, read.train().features());
        assertArrayEquals(new int[] {2, 0}, read.train().labels());
        assertArrayEquals(new int[] {1, 1, 3}, read.train().shape(), "height, width, channels");
    }

    @Test
    void csvThroughSparkWithChosenFeatureColumns() throws Exception {
        Path csv = Files.writeString(dir.resolve("t.csv"), "a,label,b,c\n0.5,1,0.25,9\n1.5,2,-1,8\n");
        SearchSpec.DataSpec d = data("spark-csv", csv.toUri().toString(), csv.toUri().toString());
        d.features = List.of("b", "a");
        TableReader.Tables read = new SparkTables(SharedSpark.get()).read(d, 1);
        assertArrayEquals(new float[] {0.25f, 0.5f, -1, 1.5f}, read.test().features());
        assertArrayEquals(new int[] {1, 2}, read.test().labels());
        assertEquals(2, read.test().width());
    }
}
