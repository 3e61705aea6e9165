package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    @Test
    void rowRangesAddUpToTheWholeAndMatchTheirSlices() {
        LabeledData data = Fixtures.data(2500, new int[] {6}, 3, 4);
        Network net = Network.of(MlpFactory.build(6, List.of(5), 3, 0.01, 2));
        Evaluator.Score whole = Evaluator.evaluate(net, data);
        Evaluator.Score head = Evaluator.evaluate(net, data, 0, 1000);
        Evaluator.Score tail = Evaluator.evaluate(net, data, 1000, 2500);
        assertEquals(whole.accuracy(), (head.accuracy() * 1000 + tail.accuracy() * 1500) / 2500, 1e-12);
        assertEquals(whole.loss(), (head.loss() * 1000 + tail.loss() * 1500) / 2500, 1e-9);

        Evaluator.Score middle = Evaluator.evaluate(net, data, 700, 1900);
        Evaluator.Score slice = Evaluator.evaluate(net, data.slice(700, 1900));
        assertEquals(slice.accuracy(), middle.accuracy(), 1e-12);
        assertEquals(slice.loss(), middle.loss(), 1e-9);
        assertTrue(Double.isNaN(Evaluator.evaluate(net, data, 5, 5).accuracy()), "no rows, no score");
    }
}
