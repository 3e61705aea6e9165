package dev.shears.pruning.data;

import dev.shears.pruning.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a numeric CSV: one row an example, one column the integer class label, the others
 * features. With a header the label column is found by name, otherwise by index.
 */
public final class CsvReader {

    private CsvReader() {
    }

    public record Result(LabeledData data, String sha256) {
    }

    /**
     * @param labelColumn the label column's name (with a header) or zero-based index
     * @param limit       most rows to read (0 = all)
     */
    public static Result read(String location, boolean header, String labelColumn, int numClasses, int limit) {
        MessageDigest md = Hashes.sha256();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new DigestInputStream(HadoopFiles.openMaybeGzip(location), md), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            int labelIndex = -1;
            int columns = -1;
            if (header) {
                line = in.readLine();
                lineNo++;
                if (line == null) {
                    throw new BadInputException(location + ": empty CSV file (a header line was expected)");
                }
                String[] names = line.split(",", -1);
                columns = names.length;
                for (int i = 0; i < names.length; i++) {
                    if (names[i].trim().equals(labelColumn)) {
                        labelIndex = i;
                    }
                }
                if (labelIndex < 0) {
                    labelIndex = parseIndex(labelColumn, columns, location);
                }
            }
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            while ((line = in.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (columns < 0) {
                    columns = cells.length;
                    labelIndex = parseIndex(labelColumn, columns, location);
                }
                if (cells.length != columns) {
                    throw new BadInputException(location + ": line " + lineNo + " has " + cells.length
                            + " columns, expected " + columns);
                }
                float[] row = new float[columns - 1];
                int j = 0;
                for (int i = 0; i < cells.length; i++) {
                    String cell = cells[i].trim();
                    if (i == labelIndex) {
                        labels.add(parseLabel(cell, numClasses, location, lineNo));
                    } else {
                        row[j++] = parseFeature(cell, location, lineNo, i);
                    }
                }
                rows.add(row);
            }
            if (rows.isEmpty()) {
                throw new BadInputException(location + ": no data rows");
            }
            int w = columns - 1;
            float[] features = new float[rows.size() * w];
            int[] y = new int[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, features, r * w, w);
                y[r] = labels.get(r);
            }
            return new Result(new LabeledData(features, y, numClasses, new int[] {w}),
                    Hashes.hex(md.digest()) + (limit > 0 ? ":first" + limit : ""));
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be read as CSV: " + e.getMessage(), e);
        }
    }

    private static int parseIndex(String labelColumn, int columns, String location) {
        try {
            int i = Integer.parseInt(labelColumn);
            if (i >= 0 && i < columns) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // not an index: reported below with the allowed values
        }
        throw new BadInputException(location + ": label column '" + labelColumn
                + "' is neither a header name nor an index in 0.." + (columns - 1));
    }

    private static int parseLabel(String cell, int numClasses, String location, int lineNo) {
        try {
            int label = (int) Double.parseDouble(cell);
            if (label < 0 || label >= numClasses || label != Double.parseDouble(cell)) {
                throw new BadInputException(location + ": line " + lineNo + ": label '" + cell
                        + "' is not an integer in 0.." + (numClasses - 1));
            }
            return label;
        } catch (NumberFormatException e) {
            throw new BadInputException(location + ": line " + lineNo + ": label '" + cell + "' is not a number");
        }
    }

    private static float parseFeature(String cell, String location, int lineNo, int column) {
        float v;
        try {
            v = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            v = Float.NaN;
        }
        // NaN and infinities would be trained on and spread through every weight
        if (!Float.isFinite(v)) {
            throw new BadInputException(location + ": line " + lineNo + ", column " + column + ": '" + cell
                    + "' is not a finite number");
        }
        return v;
    }
}
