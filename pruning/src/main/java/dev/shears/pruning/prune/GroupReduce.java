package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How a channel group combines its members' scores for one channel into the channel's score.
 * {@code producers} (the default) sums over the weights that compute the channel (the filters or
 * neurons of every producer: the classic filter and neuron norms); {@code sum}, {@code mean} and
 * {@code max} combine every weight array of the group, the consumers' input slices included.
 */
public enum GroupReduce {
    PRODUCERS, SUM, MEAN, MAX;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(values()).forEach(r -> names.add(r.label()));
        return names;
    }

    public static GroupReduce of(String name) {
        for (GroupReduce r : values()) {
            if (r.label().equals(name)) {
                return r;
            }
        }
        throw new BadInputException("options.groupScore: '" + name + "' is not known (allowed: "
                + String.join(", ", names()) + ")");
    }

    /**
     * Per channel, the reduction of the members' scores (each array holds one member's score per
     * channel). As in {@link Groups#sumAlong}, a member that scores -inf (already pruned there) is
     * skipped, and a channel every member scores -inf stays at -inf.
     */
    public float[] reduce(List<float[]> members) {
        int size = members.get(0).length;
        float[] out = new float[size];
        for (int c = 0; c < size; c++) {
            double acc = this == MAX ? Double.NEGATIVE_INFINITY : 0;
            int n = 0;
            for (float[] m : members) {
                if (m[c] != Float.NEGATIVE_INFINITY) {
                    acc = this == MAX ? Math.max(acc, m[c]) : acc + m[c];
                    n++;
                }
            }
            out[c] = n == 0 ? Float.NEGATIVE_INFINITY : (float) (this == MEAN ? acc / n : acc);
        }
        return out;
    }
}
