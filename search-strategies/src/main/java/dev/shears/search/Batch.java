package dev.shears.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Candidates that must all be evaluated before a strategy can go on (a halving rung, a generation, a scan).
 * Results are kept in proposal order, not arrival order, so what follows does not depend on how fast
 * an engine's workers happen to be.
 */
final class Batch {

    /** A candidate with its result. */
    record Outcome(Candidate candidate, TrialResult result) {
    }

    private final List<Candidate> members;
    private final Map<String, Integer> positions = new HashMap<>();
    private final Map<String, TrialResult> results = new HashMap<>();
    private int asked;

    Batch(List<Candidate> members) {
        this.members = List.copyOf(members);
        for (int i = 0; i < this.members.size(); i++) {
            positions.put(this.members.get(i).id(), i);
        }
    }

    /** The next member not yet handed out, if any. */
    Optional<Candidate> next() {
        return asked < members.size() ? Optional.of(members.get(asked++)) : Optional.empty();
    }

    boolean hasUnasked() {
        return asked < members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    void record(Candidate candidate, TrialResult result) {
        Integer position = positions.get(candidate.id());
        if (position == null || position >= asked) {
            throw new IllegalArgumentException("candidate '" + candidate.id() + "' is not an outstanding trial");
        }
        if (results.putIfAbsent(candidate.id(), result) != null) {
            throw new IllegalArgumentException("candidate '" + candidate.id() + "' was already told");
        }
    }

    /** True once every member's result is in. */
    boolean isComplete() {
        return results.size() == members.size();
    }

    /** Every member with its result, in proposal order (only meaningful once complete). */
    List<Outcome> outcomes() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Candidate c : members) {
            outcomes.add(new Outcome(c, results.get(c.id())));
        }
        return outcomes;
    }
}
