package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Resolves a spec's layer selection among a network's prunable layers. */
public final class Layers {

    private Layers() {
    }

    /**
     * The layers a selection names: {@code all}, {@code hidden} (all but the output layer), or a
     * comma- or plus-separated list of layer names or indices.
     */
    public static List<PrunableLayer> select(Network net, String selection) {
        List<PrunableLayer> all = net.prunable();
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
