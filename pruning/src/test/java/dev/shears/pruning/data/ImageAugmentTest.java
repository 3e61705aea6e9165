package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageAugmentTest {

    /** 200 copies of one 5x5 image with a single bright pixel at (row 2, column 1). */
    private static LabeledData dots() {
        int rows = 200;
        float[] x = new float[rows * 25];
        for (int r = 0; r < rows; r++) {
            x[r * 25 + 2 * 5 + 1] = 1f;
        }
        return new LabeledData(x, new int[rows], 2, new int[] {5, 5, 1});
    }

    private static int[] where(LabeledData d, int row) {
        float[] x = d.features();
        for (int i = 0; i < 25; i++) {
            if (x[row * 25 + i] != 0) {
                return new int[] {i / 5, i % 5};
            }
        }
        return null;
    }

    @Test
    void imagesMoveByAtMostTheShiftAndMirrorAboutHalfTheTime() {
        LabeledData in = dots();
        LabeledData out = new ImageAugment(1, true).apply(in, 7);
        assertArrayEquals(in.labels(), out.labels());
        Set<String> places = new HashSet<>();
        int mirrored = 0;
        for (int r = 0; r < out.size(); r++) {
            int[] p = where(out, r);
            // a dot at column 1 mirrors to column 3 of 5; shifted by one it is anywhere from column 0 to 4
            assertTrue(p != null && Math.abs(p[0] - 2) <= 1, Arrays.toString(p));
            boolean nearMirror = Math.abs(p[1] - 3) <= 1;
            boolean nearOriginal = Math.abs(p[1] - 1) <= 1;
            assertTrue(nearMirror || nearOriginal, Arrays.toString(p));
            mirrored += p[1] >= 3 ? 1 : 0;
            places.add(p[0] + "," + p[1]);
        }
        assertTrue(places.size() >= 12, "draws cover the shifts: " + places);
        assertTrue(mirrored > 40 && mirrored < 160, "mirrored " + mirrored + " of 200");
        assertEquals(1f, in.features()[2 * 5 + 1], "the input is left as it was");
        assertEquals("each epoch on the training images shifted by up to 1 pixel each way and mirrored left to right "
                + "half the time", new ImageAugment(1, true).describe());
    }

    @Test
    void drawsFollowTheSeedAndVectorsAndNoAugmentationPassThrough() {
        LabeledData in = dots();
        ImageAugment a = new ImageAugment(2, false);
        assertArrayEquals(a.apply(in, 3).features(), a.apply(in, 3).features());
        assertNotEquals(Arrays.toString(a.apply(in, 3).features()), Arrays.toString(a.apply(in, 4).features()));
        for (int r = 0; r < in.size(); r++) {
            int[] p = where(a.apply(in, 3), r);
            // without mirroring a shift of 2 from (2, 1) can push the dot off the left edge only
            assertTrue(p == null || Math.abs(p[0] - 2) <= 2 && Math.abs(p[1] - 1) <= 2);
        }
        assertSame(in, ImageAugment.NONE.apply(in, 1));
        LabeledData vectors = new LabeledData(new float[] {1, 2, 3, 4}, new int[] {0, 1}, 2, new int[] {2});
        assertSame(vectors, a.apply(vectors, 1));
    }
}
