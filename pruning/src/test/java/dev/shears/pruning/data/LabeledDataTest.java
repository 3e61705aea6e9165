package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class LabeledDataTest {

    /** Row r holds r*10 + column; labels cycle through 3 classes. */
    private static LabeledData data(int rows, int width) {
        float[] f = new float[rows * width];
        int[] l = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                f[r * width + c] = r * 10 + c;
            }
            l[r] = r % 3;
        }
        return new LabeledData(f, l, 3, new int[] {width});
    }

    private static void assertRows(DataSet batch, int... rows) {
        assertArrayEquals(new long[] {rows.length, 4}, batch.getFeatures().shape());
        assertArrayEquals(new long[] {rows.length, 3}, batch.getLabels().shape());
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(rows[i] * 10 + c, batch.getFeatures().getFloat(i, c), 0f, "row " + i + " column " + c);
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(k == rows[i] % 3 ? 1f : 0f, batch.getLabels().getFloat(i, k), 0f, "label of row " + i);
            }
        }
    }

    @Test
    void batchesGatherTheIndexedRowsWithOneHotLabels() {
        LabeledData d = data(7, 4);
        assertRows(d.batch(new int[] {6, 2, 5, 0, 3}, 1, 4, null), 2, 5, 0);
        assertRows(d.batch(2, 5), 2, 3, 4);
        assertRows(d.batch(0, 7), 0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void softTargetsTakeThePlaceOfOneHotLabels() {
        LabeledData d = data(4, 4);
        float[] targets = new float[4 * 3];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = i / 100f;
        }
        DataSet batch = d.batch(new int[] {3, 1}, 0, 2, targets);
        assertEquals(31f, batch.getFeatures().getFloat(0, 1), 0f);
        assertArrayEquals(new float[] {0.09f, 0.10f, 0.11f, 0.03f, 0.04f, 0.05f}, batch.getLabels().dup('c').data().asFloat(),
                0f);
    }

    @Test
    void featureRowsAreConsecutiveRowsWithoutACopy() {
        LabeledData d = data(5, 4);
        assertArrayEquals(new long[] {2, 4}, d.featureRows(2, 4).shape());
        assertEquals(33f, d.featureRows(2, 4).getFloat(1, 3), 0f);
        assertTrue(d.featureRows(1, 3).isView());
    }

    @Test
    void aBatchOwnsItsArrays() {
        LabeledData d = data(5, 4);
        DataSet first = d.batch(1, 3);
        first.getFeatures().assign(-1);
        first.getLabels().assign(-1);
        assertRows(d.batch(1, 3), 1, 2);
        assertEquals(10f, d.features()[4], 0f);
    }

    @Test
    void threadsShareOneDataSafely() throws Exception {
        LabeledData d = data(200, 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        int from = (offset * 37 + i * 3) % 190;
                        assertRows(d.batch(from, from + 10), IntStream.range(from, from + 10).toArray());
                        assertEquals(from * 10 + 3, d.featureRows(from, from + 10).getFloat(0, 3), 0f);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serializedDataStillMakesBatches() throws Exception {
        LabeledData d = data(6, 4);
        d.featureRows(0, 2); // made its ND4J copy, which does not travel
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        LabeledData back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LabeledData) in.readObject();
        }
        assertArrayEquals(d.labels(), back.labels());
        assertRows(back.batch(new int[] {5, 1}, 0, 2, null), 5, 1);
        assertEquals(52f, back.featureRows(4, 6).getFloat(1, 2), 0f);
    }

    @Test
    void featuresMustMatchLabelsTimesWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LabeledData(new float[10], new int[3], 2, new int[] {4}));
        assertEquals("features hold 10 values, expected 3 x 4", e.getMessage());
    }
}
