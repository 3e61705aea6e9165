package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeptUnitsTest {

    @Test
    void countsGoToTheNearestWholeBlockInLayersWiderThanOne() {
        KeptUnits blocks = new KeptUnits(1, 8);
        assertEquals(16, blocks.target(17, 24), "ResNet-8's 24 filters at ratio 0.3");
        assertEquals(16, blocks.target(12, 24), "halfway rounds up");
        assertEquals(8, blocks.target(11, 24));
        assertEquals(24, blocks.target(21, 24), "the layer's own width is the cap");
        assertEquals(20, blocks.target(20, 20), "a layer with nothing pruned stays whole");
        assertEquals(8, blocks.target(1, 24), "at least one block");
        assertEquals(4, blocks.target(4, 6), "a layer within one block keeps what the ratio gives");
        assertEquals(17, KeptUnits.atLeast(1).target(17, 24), "no rounding by default");
    }

    @Test
    void theFloorWinsOverTheBlock() {
        assertEquals(12, new KeptUnits(12, 8).target(9, 24));
        assertEquals(3, new KeptUnits(3, 8).target(1, 6));
    }

    @Test
    void adjustingAddsTheBestDroppedUnitsAndDropsTheWorstKeptOnes() {
        float[] scores = {5, 1, 9, 3, 7, 2, 8, 6, 4, 0};
        // 4 kept of 10 rounds up to the block of 5: the best dropped unit (score 6) comes back
        boolean[] keep = {false, false, true, false, true, false, true, false, false, true};
        scores[9] = 10;
        new KeptUnits(1, 5).adjust(keep, scores);
        assertArrayEquals(new boolean[] {false, false, true, false, true, false, true, true, false, true}, keep);
        // 7 kept rounds down to 5: the two lowest kept (scores 3 and 4) go
        boolean[] seven = {true, false, true, true, true, false, true, false, true, true};
        new KeptUnits(1, 5).adjust(seven, scores);
        assertArrayEquals(new boolean[] {true, false, true, false, true, false, true, false, false, true}, seven);
    }

    @Test
    void unitsPrunedBeforeComeBackOnlyWhenNothingElseCan() {
        // what earlier steps pruned scores -infinity; rounding up takes the best of the rest first
        float[] scores = {Float.NEGATIVE_INFINITY, 3, Float.NEGATIVE_INFINITY, 1, 4, 2};
        boolean[] keep = {false, false, false, false, true, false};
        new KeptUnits(1, 4).adjust(keep, scores);
        assertArrayEquals(new boolean[] {false, true, false, true, true, true}, keep);
        boolean[] more = {false, false, false, false, true, false};
        new KeptUnits(5, 1).adjust(more, scores);
        assertEquals(5, Selection.count(more));
    }

    @Test
    void aBlockOrFloorBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeptUnits(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new KeptUnits(-1, 8));
    }
}
