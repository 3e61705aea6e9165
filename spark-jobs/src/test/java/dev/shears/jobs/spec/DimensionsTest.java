package dev.shears.jobs.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.pruning.plan.PlanOptions;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DimensionsTest {

    /** Parquet and results.json keep an option's column in its column type: numbers must not become text. */
    @Test
    void everyPlanOptionDimensionHasAColumnOfItsOwnType() {
        Map<String, Column> byName = Columns.OPTIONS.stream()
                .collect(Collectors.toMap(c -> c.name().replace("_", ""), c -> c));
        for (String name : Dimensions.planOptions()) {
            assertTrue(PlanOptions.KEYS.contains(name), name + " is not a plan option");
            Column column = byName.get(name.toLowerCase());
            Column.Type expected = switch (Dimensions.def(name).kind()) {
                case RATIO, FRACTION, POSITIVE -> Column.Type.DECIMAL;
                case COUNT, POSITIVE_COUNT -> Column.Type.WHOLE;
                case BOOLEAN -> Column.Type.FLAG;
                default -> Column.Type.TEXT;
            };
            assertEquals(expected, column.type(), name);
        }
    }
}
