package dev.shears.search;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One point of the search space, to be evaluated at some fidelity.
 *
 * @param id        stable, unique within a search (used as the row name and for resuming)
 * @param params    dimension name to value, in the space's dimension order
 * @param fidelity  fine-tuning epochs this trial may spend (multi-fidelity strategies raise it)
 * @param parentId  the candidate whose fine-tuned weights this trial continues from, or null
 */
public record Candidate(String id, Map<String, Object> params, int fidelity, String parentId)
        implements Serializable {

    public Candidate {
        Objects.requireNonNull(id, "id");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        if (fidelity < 0) {
            throw new IllegalArgumentException("fidelity must be >= 0, got " + fidelity);
        }
    }

    public Candidate(String id, Map<String, Object> params, int fidelity) {
        this(id, params, fidelity, null);
    }

    public Object get(String name) {
        return params.get(name);
    }

    public Candidate withId(String newId) {
        return new Candidate(newId, params, fidelity, parentId);
    }
}
