package dev.shears.jobs.spark;

import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Row;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Writes the result table as Parquet, each column in the Parquet type of its catalogue type. */
public final class ParquetTables {

    private ParquetTables() {
    }

    public static void write(SparkSession spark, List<Row> rows, List<Column> columns, String path) {
        StructField[] fields = columns.stream()
                .map(c -> DataTypes.createStructField(c.name(), typeOf(c.type()), true)).toArray(StructField[]::new);
        List<org.apache.spark.sql.Row> data = new ArrayList<>();
        for (Row r : rows) {
            data.add(RowFactory.create(columns.stream().map(r::get).toArray()));
        }
        spark.createDataFrame(data, new StructType(fields)).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(path);
    }

    static DataType typeOf(Column.Type type) {
        return switch (type) {
            case WHOLE -> DataTypes.LongType;
            case DECIMAL -> DataTypes.DoubleType;
            case FLAG -> DataTypes.BooleanType;
            case TEXT -> DataTypes.StringType;
            case NESTED -> throw new IllegalArgumentException("nested columns are in results.json only");
        };
    }
}
