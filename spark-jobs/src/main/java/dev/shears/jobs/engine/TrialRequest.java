package dev.shears.jobs.engine;

import dev.shears.pruning.plan.PruningPlan;
import dev.shears.search.Candidate;
import java.io.Serializable;

/**
 * One trial as shipped to an executor.
 *
 * @param parentModel the pruned model a continued trial starts from, or null to start from the base model
 */
public record TrialRequest(Candidate candidate, PruningPlan plan, byte[] parentModel) implements Serializable {
}
