package dev.shears.pruning.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.prune.Normalizer;
import dev.shears.pruning.train.RateSchedule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanOptionsTest {

    private static PlanOptions of(String granularity, Map<String, Object> options) {
        return PlanOptions.of(PruningPlan.magnitude(0.5, 1).with("magnitude", granularity, "layerwise", "oneshot")
                .withOptions(options));
    }

    @Test
    void defaults() {
        PlanOptions o = of("weight", Map.of());
        assertEquals(1, o.minUnits());
        assertEquals(1, o.roundTo());
        assertEquals(0.0, o.initialSparsity());
        assertEquals(0.75, o.rampFraction());
        assertEquals(0, o.pruneEvery());
        assertEquals(0.1, o.adaptiveStep());
        assertFalse(o.distill());
        assertEquals(4.0, o.distillTemperature());
        assertFalse(o.quantize());
        assertFalse(o.shrink());
        assertTrue(of("neuron", Map.of()).shrink());
        assertTrue(of("channel", Map.of()).shrink());
        assertFalse(of("2:4", Map.of()).shrink());
        assertEquals(Normalizer.NONE, o.normalizer());
        assertEquals(Normalizer.MEAN, of("neuron", Map.of()).normalizer());
        assertEquals(Normalizer.MEAN, of("filter", Map.of()).normalizer());
        assertEquals(RateSchedule.CONSTANT, o.rateSchedule());
        assertFalse(o.augment().on());
        assertEquals(new ImageAugment(2, true), of("filter", Map.of("augmentShift", "2", "augmentMirror", "true")).augment());
        assertEquals(RateSchedule.COSINE, of("weight", Map.of("rateSchedule", " Cosine")).rateSchedule());
        assertEquals(0.0, o.rateHold());
        assertEquals(0.5, of("weight", Map.of("rateHold", "0.5")).rateHold());
    }

    @Test
    void stringsFromTheCommandLineAreRead() {
        PlanOptions o = of("filter", Map.of("minUnits", "2", "distillAlpha", "0.3", "quantize", "TRUE", "shrink", "false",
                "normalizer", " max", "roundTo", "16"));
        assertEquals(2, o.minUnits());
        assertEquals(16, o.roundTo());
        assertEquals(0.3, o.distillAlpha());
        assertTrue(o.quantize());
        assertFalse(o.shrink());
        assertEquals(Normalizer.MAX, o.normalizer());
        assertEquals(Normalizer.NONE, of("neuron", Map.of("normalizer", "none")).normalizer());
    }

    @Test
    void anUnknownNormalizerNamesTheOptionAndTheAllowedValues() {
        BadInputException e = assertThrows(BadInputException.class, () -> of("neuron", Map.of("normalizer", "median")));
        assertTrue(e.getMessage().startsWith("options.normalizer: 'median'"), e.getMessage());
        assertTrue(e.getMessage().contains("allowed: " + String.join(", ", Normalizer.names())), e.getMessage());
    }

    @Test
    void badValuesNameTheKey() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("minUnits", 0),
                Map.of("minUnits", 1.5), Map.of("roundTo", 0), Map.of("roundTo", 2.5), Map.of("distillAlpha", "lots"), Map.of("quantize", "yes"),
                Map.of("adaptiveStep", 1.0), Map.of("distillTemperature", 0), Map.of("rateSchedule", "step"),
                Map.of("rateHold", 1.0), Map.of("rateHold", -0.1),
                Map.of("augmentShift", -1), Map.of("augmentMirror", "often"))) {
            String key = bad.keySet().iterator().next();
            BadInputException e = assertThrows(BadInputException.class, () -> of("weight", bad));
            assertTrue(e.getMessage().startsWith("options." + key), e.getMessage());
        }
    }
}
