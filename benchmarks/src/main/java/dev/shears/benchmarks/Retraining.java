package dev.shears.benchmarks;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The starting points of the two classic controls for a pruning result, which ask whether the
 * pruned model owes its accuracy to the weights pruning kept or only to its smaller shape:
 * the same sparse network rewound to the dense model's initial weights (the lottery ticket,
 * Frankle and Carbin 2019), and the shrunk architecture trained from a fresh initialisation
 * (Liu et al. 2019). Training them is up to the caller, as long as the dense model was trained.
 */
final class Retraining {

    /** A network to train with its mask held. */
    record Start(Network net, MaskSet mask) {
    }

    private Retraining() {
    }

    /**
     * The dense model's initial parameters with the pruned model's zeros: a copy of {@code initial}
     * masked where {@code pruned} has zero weights (both of the same, unshrunk, shape).
     */
    static Start rewind(Network initial, Network pruned) {
        if (initial.numParams() != pruned.numParams()) {
            throw new IllegalArgumentException("cannot rewind: the pruned model has " + pruned.numParams()
                    + " parameters, the initial one " + initial.numParams() + " (rewinding needs the unshrunk model)");
        }
        MaskSet mask = MaskSet.fromZeros(pruned, pruned.prunable());
        Network net = initial.copy();
        mask.apply(net);
        return new Start(net, mask);
    }

    /**
     * A network of the (shrunk) model's configuration with fresh parameters drawn from {@code seed}. The quality
     * benchmark's networks are layer chains (its MLP and CNNs), so only chains are re-initialised.
     */
    static Start reinitialise(Network shrunk, long seed) {
        MultiLayerNetwork chain = shrunk.chain().orElseThrow(() -> new IllegalArgumentException(
                "cannot re-initialise a " + shrunk.kind() + ": the controls retrain layer chains"));
        MultiLayerConfiguration conf = chain.getLayerWiseConfigurations().clone();
        conf.getConfs().forEach(c -> c.setSeed(seed));
        MultiLayerNetwork fresh = new MultiLayerNetwork(conf);
        fresh.init();
        return new Start(Network.of(fresh), null);
    }
}
