package dev.shears.search;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** An ordered set of dimensions. The order fixes the grid's expansion order and candidate ids. */
public final class SearchSpace implements Serializable {

    private final List<Dimension> dimensions;

    public SearchSpace(List<Dimension> dimensions) {
        Map<String, Dimension> seen = new LinkedHashMap<>();
        for (Dimension d : dimensions) {
            if (seen.put(d.name(), d) != null) {
                throw new IllegalArgumentException("dimension '" + d.name() + "' is given twice");
            }
        }
        this.dimensions = List.copyOf(dimensions);
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    public Dimension dimension(String name) {
        for (Dimension d : dimensions) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** True when every dimension is a finite list of choices. */
    public boolean isDiscrete() {
        return dimensions.stream().allMatch(d -> d instanceof Dimension.Choice);
    }

    /** Number of grid points, saturating at Long.MAX_VALUE; -1 if any dimension is continuous. */
    public long gridSize() {
        long n = 1;
        for (Dimension d : dimensions) {
            if (!(d instanceof Dimension.Choice c)) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, c.values().size());
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** Grid points over several spaces walked one after another, saturating at Long.MAX_VALUE; -1 if any has a range. */
    public static long gridSize(List<SearchSpace> spaces) {
        long n = 0;
        for (SearchSpace s : spaces) {
            long size = s.gridSize();
            if (size < 0) {
                return -1;
            }
            n += size;
            if (n < 0) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /** A point drawn independently along every dimension. */
    public Map<String, Object> sample(Random random) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (Dimension d : dimensions) {
            p.put(d.name(), d.sample(random));
        }
        return p;
    }

    /** The point made of every dimension's first value (a range's min): the defaults of a spec. */
    public Map<String, Object> firstPoint() {
        Map<String, Object> p = new LinkedHashMap<>();
        for (Dimension d : dimensions) {
            p.put(d.name(), d instanceof Dimension.Choice c ? c.values().get(0) : ((Dimension.Range) d).min());
        }
        return p;
    }

    /** Grid point number {@code index}, the last dimension varying fastest. */
    public Map<String, Object> gridPoint(long index) {
        List<Dimension.Choice> choices = new ArrayList<>();
        for (Dimension d : dimensions) {
            if (!(d instanceof Dimension.Choice c)) {
                throw new IllegalStateException("dimension '" + d.name() + "' is a range: a grid needs lists of values");
            }
            choices.add(c);
        }
        Object[] values = new Object[choices.size()];
        long rest = index;
        for (int i = choices.size() - 1; i >= 0; i--) {
            List<Object> vs = choices.get(i).values();
            values[i] = vs.get((int) (rest % vs.size()));
            rest /= vs.size();
        }
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < choices.size(); i++) {
            p.put(choices.get(i).name(), values[i]);
        }
        return p;
    }
}
