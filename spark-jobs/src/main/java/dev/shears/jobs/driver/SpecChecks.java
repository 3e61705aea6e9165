package dev.shears.jobs.driver;

import dev.shears.jobs.spec.Dimensions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecException;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.ChannelGroups;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.Granularity;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.search.Dimension;
import dev.shears.search.SearchSpace;
import java.util.List;

/**
 * The checks of a spec against its data and base model, shared by {@code validate} and {@code search}:
 * everything that can be bad input is found before any work (training, Spark jobs, outputs).
 */
public final class SpecChecks {

    private SpecChecks() {
    }

    /**
     * What {@code search} checks before it trains anything, without training: the data can be read,
     * the base model can be read or built for it, and the layer names and strategy options fit that
     * model. Bad input is a {@link dev.shears.pruning.BadInputException} naming the file or field.
     *
     * @return the untrained (or loaded) base model and the data it was checked against
     */
    public static Checked check(LoadedSpec spec, TableReader tables) {
        SearchData read = SearchData.read(spec, tables, null);
        Network net = BaseModel.build(spec.spec(), read.splits());
        checkAgainst(spec, net);
        return new Checked(read.splits(), read.description(), net);
    }

    /**
     * What {@link #check} read and built.
     *
     * @param tables what was read from each table, one line a table (empty for files)
     */
    public record Checked(DataSplits data, List<String> tables, Network baseModel) {
    }

    /** The spec's layer names and strategy options fit the base model (before minutes go into training it). */
    static void checkAgainst(LoadedSpec spec, Network net) {
        checkLayers(spec, net);
        checkStrategy(spec, net);
    }

    /**
     * Every layer selection and {@code ratio.<layer>} the space names must exist in the base model, and every
     * granularity must apply to some of the layers each selection picks (filters to convolutions, say): otherwise
     * every such candidate would fail after the base model was trained.
     */
    private static void checkLayers(LoadedSpec spec, Network net) {
        List<String> prunable = net.prunable().stream().map(PrunableLayer::name).toList();
        for (SearchSpace space : spec.spaces()) {
            for (Dimension d : space.dimensions()) {
                String layer = Dimensions.layer(d.name());
                if (layer != null && !prunable.contains(layer)) {
                    throw new SpecException(spec.source() + ": field 'space." + d.name() + "': the model has no prunable "
                            + "layer '" + layer + "' (allowed: " + String.join(", ", prunable) + ")");
                }
            }
            for (Object names : values(space, "keepWhole")) {
                try {
                    ChannelGroups.of(net, PlanOptions.names(names));
                } catch (BadInputException e) {
                    throw new SpecException(spec.source() + ": field 'space.keepWhole': " + e.getMessage());
                }
            }
            for (Object selection : values(space, "layers")) {
                List<PrunableLayer> selected;
                try {
                    selected = Layers.select(net, (String) selection);
                } catch (BadInputException e) {
                    throw new SpecException(spec.source() + ": field 'space.layers': " + e.getMessage());
                }
                for (Object name : values(space, "granularity")) {
                    Granularity g = Granularities.create((String) name);
                    if (selected.stream().noneMatch(l -> g.appliesTo(l, net))) {
                        List<String> fitting = net.prunable().stream().filter(l -> g.appliesTo(l, net))
                                .map(PrunableLayer::name).toList();
                        throw new SpecException(spec.source() + ": field 'space.granularity': '" + name
                                + "' applies to none of the layers '" + selection + "' selects "
                                + selected.stream().map(PrunableLayer::name).toList() + " (it applies to "
                                + (fitting.isEmpty() ? "no layer of this model" : "layers " + fitting) + ")");
                    }
                }
            }
        }
    }

    /** The values a space lists for a dimension, or its default. */
    private static List<Object> values(SearchSpace space, String dimension) {
        Dimension d = space.dimension(dimension);
        return d instanceof Dimension.Choice c ? c.values() : List.of(Dimensions.fallback(dimension));
    }

    /** The strategy accepts the spec's settings and options (the base accuracy is not known yet: any will do). */
    private static void checkStrategy(LoadedSpec spec, Network net) {
        try {
            StrategyChoice.of(spec, net, 1.0);
        } catch (IllegalArgumentException e) {
            throw new SpecException(spec.source() + ": section 'search' (strategy " + spec.spec().search.strategy + "): "
                    + e.getMessage());
        }
    }

}
