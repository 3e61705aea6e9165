package dev.shears.benchmarks;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
     * A network of the pruned model's configuration (shrunk or not) with fresh parameters drawn from {@code seed},
     * masked where the pruned model has zero weights: the from-scratch control of weight and structural pruning
     * alike (a shrunk model has no zeros left to hold).
     */
    static Start reinitialise(Network pruned, long seed) {
        Network fresh;
        if (pruned.model() instanceof MultiLayerNetwork chain) {
            MultiLayerConfiguration conf = chain.getLayerWiseConfigurations().clone();
            conf.getConfs().forEach(c -> c.setSeed(seed));
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            fresh = Network.of(net);
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) pruned.model()).getConfiguration().clone();
            conf.getDefaultConfiguration().setSeed(seed);
            conf.getVertices().values().forEach(v -> {
                if (v instanceof LayerVertex layer) {
                    layer.getLayerConf().setSeed(seed);
                }
            });
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            fresh = Network.of(net);
        }
        MaskSet mask = MaskSet.fromZeros(pruned, pruned.prunable());
        mask.apply(fresh);
        return new Start(fresh, mask);
    }
}
