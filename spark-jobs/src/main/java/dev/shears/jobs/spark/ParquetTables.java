package dev.shears.jobs.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Writes the result table as Parquet with typed columns: whole numbers, decimals, flags, text. */
public final class ParquetTables {

    private ParquetTables() {
    }

    public static void write(SparkSession spark, List<Map<String, Object>> rows, List<String> columns, String path) {
        List<StructField> fields = new ArrayList<>();
        List<DataType> types = new ArrayList<>();
        for (String c : columns) {
            DataType t = typeOf(rows, c);
            types.add(t);
            fields.add(DataTypes.createStructField(c, t, true));
        }
        List<Row> data = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object[] values = new Object[columns.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = convert(r.get(columns.get(i)), types.get(i));
            }
            data.add(RowFactory.create(values));
        }
        spark.createDataFrame(data, new StructType(fields.toArray(StructField[]::new)))
                .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(path);
    }

    private static DataType typeOf(List<Map<String, Object>> rows, String column) {
        boolean whole = true;
        boolean number = true;
        boolean flag = true;
        boolean any = false;
        for (Map<String, Object> r : rows) {
            Object v = r.get(column);
            if (v == null) {
                continue;
            }
            any = true;
            whole &= v instanceof Integer || v instanceof Long;
            number &= v instanceof Number;
            flag &= v instanceof Boolean;
        }
        if (!any) {
            return DataTypes.StringType;
        }
        return whole ? DataTypes.LongType : number ? DataTypes.DoubleType : flag ? DataTypes.BooleanType : DataTypes.StringType;
    }

    private static Object convert(Object v, DataType t) {
        if (v == null) {
            return null;
        }
        if (t == DataTypes.LongType) {
            return ((Number) v).longValue();
        }
        if (t == DataTypes.DoubleType) {
            return ((Number) v).doubleValue();
        }
        return t == DataTypes.StringType ? String.valueOf(v) : v;
    }
}
