package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Semi-structured N:M sparsity (named like {@code 2:4}): in every block of M consecutive weights
 * along the input axis (dense rows, convolution input channels; one block per output unit and,
 * for convolutions, per kernel position) the N highest-scoring weights stay. The sparsity is
 * therefore fixed at 1 - N/M and the plan's ratio is ignored. A block cut short at the end of
 * the axis keeps min(N, its length) weights. Blocks are a per-layer pattern, so there is no
 * global scope, and layers with fewer than M inputs are left alone.
 */
public final class NmGranularity implements Granularity {

    private static final Pattern NAME = Pattern.compile("(\\d{1,4}):(\\d{1,4})");

    private final int n;
    private final int m;
    private final WeightGranularity weights = new WeightGranularity();

    public NmGranularity(int n, int m) {
        if (n < 1 || n >= m) {
            throw new IllegalArgumentException("N:M needs 0 < N < M, got " + n + ":" + m);
        }
        this.n = n;
        this.m = m;
    }

    /** The granularity a name like {@code 2:4} stands for, if the name has that form and 0 < N < M. */
    public static Optional<Granularity> parse(String name) {
        Matcher match = NAME.matcher(name == null ? "" : name.trim());
        if (!match.matches()) {
            return Optional.empty();
        }
        int n = Integer.parseInt(match.group(1));
        int m = Integer.parseInt(match.group(2));
        return n >= 1 && n < m ? Optional.of(new NmGranularity(n, m)) : Optional.empty();
    }

    @Override
    public String name() {
        return n + ":" + m;
    }

    @Override
    public boolean appliesTo(PrunableLayer layer) {
        return true;
    }

    @Override
    public boolean appliesTo(PrunableLayer layer, Network net) {
        return layer.inputs(net) >= m;
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return weights.groupScores(layer, weightScores);
    }

    @Override
    public long groupSize(PrunableLayer layer, Network net) {
        return 1;
    }

    @Override
    public boolean supportsGlobalScope() {
        return false;
    }

    @Override
    public double effectiveRatio(double requested) {
        return 1.0 - (double) n / m;
    }

    @Override
    public boolean[] selectLayerwise(PrunableLayer layer, Network net, float[] scores, double ratio) {
        long[] shape = layer.weights(net).shape();
        int axis = layer.inputAxis();
        int length = (int) shape[axis];
        long stride = Arrays.stride(shape, axis);
        boolean[] keep = new boolean[scores.length];
        float[] block = new float[m];
        for (int f = 0; f < scores.length; f++) {
            int at = (int) ((f / stride) % length);
            if (at % m != 0) {
                continue;
            }
            int size = Math.min(m, length - at);
            for (int r = 0; r < size; r++) {
                block[r] = scores[(int) (f + r * stride)];
            }
            boolean[] kept = Selection.keepAllButLowest(java.util.Arrays.copyOf(block, size), size - Math.min(n, size));
            for (int r = 0; r < size; r++) {
                keep[(int) (f + r * stride)] = kept[r];
            }
        }
        return keep;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, Network net, MaskSet masks) {
        weights.mask(layer, keep, net, masks);
    }
}
