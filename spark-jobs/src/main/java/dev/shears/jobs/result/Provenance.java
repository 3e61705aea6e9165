package dev.shears.jobs.result;

import java.io.Serializable;

/** Where every row of a run comes from: the spec, seed, data and base model by hash, and the versions that ran it. */
public record Provenance(long seed, String specHash, String dataHash, String baseModelHash, String shearsVersion,
                         String dl4jVersion, String sparkVersion) implements Serializable {
}
