package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Finds the prunable layers of a network and resolves a spec's layer selection. */
public final class Layers {

    private Layers() {
    }

    /** Every layer with a weight array, in network order. */
    public static List<PrunableLayer> prunable(MultiLayerNetwork net) {
        List<PrunableLayer> out = new ArrayList<>();
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(i).conf().getLayer();
            if (!net.getLayer(i).paramTable().containsKey("W") || !(conf instanceof FeedForwardLayer)) {
                continue;
            }
            PrunableLayer.Kind kind = conf instanceof ConvolutionLayer ? PrunableLayer.Kind.CONVOLUTION
                    : PrunableLayer.Kind.DENSE;
            String name = conf.getLayerName() == null ? String.valueOf(i) : conf.getLayerName();
            out.add(new PrunableLayer(i, name, kind, i == n - 1));
        }
        return out;
    }

    /**
     * The layers a selection names: {@code all}, {@code hidden} (all but the output layer), or a
     * comma- or plus-separated list of layer names or indices.
     */
    public static List<PrunableLayer> select(MultiLayerNetwork net, String selection) {
        List<PrunableLayer> all = prunable(net);
        String s = selection == null ? "all" : selection.trim();
        if (s.equals("all")) {
            return all;
        }
        if (s.equals("hidden")) {
            return all.stream().filter(l -> !l.output()).toList();
        }
        Set<PrunableLayer> chosen = new LinkedHashSet<>();
        for (String part : s.split("[,+]")) {
            String want = part.trim();
            PrunableLayer match = all.stream()
                    .filter(l -> l.name().equals(want) || String.valueOf(l.index()).equals(want))
                    .findFirst()
                    .orElseThrow(() -> new BadInputException("layers: '" + want + "' is not a prunable layer (allowed: all, hidden, "
                            + String.join(", ", all.stream().map(PrunableLayer::name).toList()) + ")"));
            chosen.add(match);
        }
        return List.copyOf(chosen);
    }
}
