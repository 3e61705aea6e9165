package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Binary masks by parameter key ({@code 0_W}, {@code 0_b}, ...): 1 keeps a value, 0 prunes it. */
public final class MaskSet {

    private final Map<String, INDArray> masks = new LinkedHashMap<>();

    /** Sets a key's mask, intersecting with any mask already held so pruned values never return. */
    public void put(String key, INDArray mask) {
        INDArray old = masks.get(key);
        masks.put(key, old == null ? mask : old.mul(mask));
    }

    public INDArray get(String key) {
        return masks.get(key);
    }

    public Map<String, INDArray> all() {
        return Collections.unmodifiableMap(masks);
    }

    public boolean isEmpty() {
        return masks.isEmpty();
    }

    /** An independent copy, to return to later. */
    public MaskSet copy() {
        MaskSet m = new MaskSet();
        masks.forEach((key, mask) -> m.masks.put(key, mask.dup()));
        return m;
    }

    /** Zeroes the pruned values of the network in place. */
    public void apply(Network net) {
        for (Map.Entry<String, INDArray> e : masks.entrySet()) {
            INDArray param = net.getParam(e.getKey());
            if (e.getValue().ordering() != param.ordering()) {
                // ND4J multiplies arrays of different layouts element by element through their
                // indices, far slower than same-layout arrays: keep the mask in the parameter's layout
                e.setValue(e.getValue().dup(param.ordering()));
            }
            param.muli(e.getValue());
        }
    }

    /** The mask implied by the zeros a network already has (to continue fine-tuning a pruned model). */
    public static MaskSet fromZeros(Network net, Iterable<PrunableLayer> layers) {
        MaskSet m = new MaskSet();
        for (PrunableLayer l : layers) {
            INDArray w = l.weights(net);
            m.put(l.weightKey(), w.neq(0).castTo(w.dataType()));
        }
        return m;
    }
}
