package dev.shears.search;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Draws points of a space for the sampling strategies and remembers every point proposed, so that no point
 * is evaluated twice. A discrete space is walked in a seeded random order of its grid, so sampling ends
 * when the space is exhausted instead of retrying forever; continuous points are drawn independently.
 */
final class PointSampler implements Sampler {

    private final SearchSpace space;
    private final Random random;
    private final long gridSize;
    private final Set<Map<String, Object>> proposed = new HashSet<>();
    /** A lazy Fisher-Yates shuffle of the grid indices: only positions that were swapped are stored. */
    private final Map<Long, Long> shuffled = new HashMap<>();
    private long drawn;

    PointSampler(SearchSpace space, Random random) {
        this.space = space;
        this.random = random;
        this.gridSize = space.gridSize();
    }

    /** How many distinct points {@link #fresh()} can return when nothing else is {@linkplain #claim claimed}. */
    @Override
    public long capacity() {
        return gridSize < 0 ? Long.MAX_VALUE : gridSize;
    }

    /** A point not proposed before, now marked proposed; empty once a discrete space is exhausted. */
    @Override
    public Optional<Map<String, Object>> fresh() {
        if (gridSize < 0) {
            Map<String, Object> point = space.sample(random);
            proposed.add(point);
            return Optional.of(point);
        }
        while (drawn < gridSize) {
            Map<String, Object> point = space.gridPoint(nextGridIndex());
            if (proposed.add(point)) {
                return Optional.of(point);
            }
        }
        return Optional.empty();
    }

    /** Marks a point made elsewhere (by crossover, say) as proposed; false when it already was. */
    boolean claim(Map<String, Object> point) {
        return proposed.add(point);
    }

    private long nextGridIndex() {
        long pick = drawn + random.nextLong(gridSize - drawn);
        long chosen = shuffled.getOrDefault(pick, pick);
        shuffled.put(pick, shuffled.getOrDefault(drawn, drawn));
        shuffled.remove(drawn);
        drawn++;
        return chosen;
    }
}
