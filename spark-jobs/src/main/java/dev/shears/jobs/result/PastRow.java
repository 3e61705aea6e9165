package dev.shears.jobs.result;

import com.fasterxml.jackson.databind.JsonNode;

/** A row of an earlier run's results.json, read through the same columns as this run's rows. */
public record PastRow(JsonNode json) implements TableRow {

    @Override
    public Object get(Column column) {
        return column.type().fromJson(json.get(column.name()));
    }
}
