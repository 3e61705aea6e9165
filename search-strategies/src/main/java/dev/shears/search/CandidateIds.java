package dev.shears.search;

/** Candidate ids: short, sortable, and the same for the same proposal order. */
public final class CandidateIds {

    private CandidateIds() {
    }

    public static String of(long index) {
        return String.format("c%04d", index);
    }
}
