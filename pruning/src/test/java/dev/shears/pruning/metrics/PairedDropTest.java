package dev.shears.pruning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PairedDropTest {

    private static BitSet rows(int... right) {
        BitSet b = new BitSet();
        for (int r : right) {
            b.set(r);
        }
        return b;
    }

    @Test
    void theErrorComesFromTheRowsTheTwoDisagreeOn() {
        // 10 rows: the base is right on 0-7, the candidate on 0-5 and 8 (it loses 6 and 7, gains 8)
        BitSet base = rows(0, 1, 2, 3, 4, 5, 6, 7);
        BitSet candidate = rows(0, 1, 2, 3, 4, 5, 8);
        // per-row differences: 1, 1, -1 and seven 0s; mean 0.1, sample variance (3 - 10 * 0.01) / 9
        double expected = Math.sqrt((3 - 10 * 0.01) / 9 / 10);
        assertEquals(expected, PairedDrop.stdError(base, candidate, 10), 1e-12);
        assertEquals(expected, PairedDrop.stdError(candidate, base, 10), 1e-12, "the sign of the drop does not matter");
        assertEquals(8, base.cardinality(), "the sets passed in are left as they were");
    }

    @Test
    void networksThatAgreeOnEveryRowHaveNoError() {
        BitSet same = rows(0, 2, 3);
        assertEquals(0, PairedDrop.stdError(same, (BitSet) same.clone(), 5));
    }

    @Test
    void pairingMakesTheErrorSmallerThanThatOfTwoIndependentAccuracies() {
        // 1,000 rows: both right on 880, the base alone on 20, the candidate alone on 10 (a drop of 1 point)
        BitSet base = new BitSet();
        BitSet candidate = new BitSet();
        base.set(0, 900);
        candidate.set(0, 880);
        candidate.set(900, 910);
        double paired = PairedDrop.stdError(base, candidate, 1000);
        double independent = Math.sqrt(0.9 * 0.1 / 1000 + 0.89 * 0.11 / 1000);
        assertTrue(paired < independent / 2, paired + " vs " + independent);
    }

    @Test
    void fewerThanTwoRowsHaveNoError() {
        assertTrue(Double.isNaN(PairedDrop.stdError(rows(0), rows(), 1)));
    }
}
