package dev.shears.jobs.driver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.data.DataLocation;
import dev.shears.search.TrialStatus;
import java.util.List;
import java.util.Map;

/**
 * run.json: what a run was (spec, seed, versions, data and base model by hash), how long its parts took,
 * what it found (counts, the best candidate) and where its outputs are. Keys in alphabetical order.
 *
 * @param best    the best candidate within the tolerance ({@link Selection}), absent when none is
 * @param changes what changed since the run given by {@code --compare-to}, absent without one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder(alphabetic = true)
record RunRecord(String name, String specSource, String specHash, JsonNode spec, long seed,
                 Map<String, String> versions, Data data, BaseModel baseModel, Choice selection,
                 Timings timings, Counts counts, @JsonInclude(JsonInclude.Include.NON_NULL) String best,
                 List<String> models, String cache, String out,
                 @JsonInclude(JsonInclude.Include.NON_NULL) Changes.Summary changes) {

    /** @param tables for tables, what was read (the location is their copy, removed with the checkpoints) */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Data(DataLocation location, @JsonInclude(JsonInclude.Include.NON_NULL) Tables tables, String hash,
                long trainRows, long validationRows, long testRows) {
    }

    @JsonPropertyOrder(alphabetic = true)
    record Tables(String format, String train, String test) {
    }

    /** @param source the model file, or {@code trained: <architecture>} */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record BaseModel(String source, String hash, long paramsTotal, double accuracy, double valAccuracy) {
    }

    /** What decided: the split, its drop column, and the tolerance with its confidence. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Choice(String split, String column, double maxAccuracyDrop, double confidence) {
    }

    /**
     * @param candidates    the trials the strategy ran (resumed and cached ones included)
     * @param paretoLatency rows on the accuracy-versus-latency front; absent when latency was not measured
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Counts(long candidates, long ok, long failed, long diverged, long timeout, long cached, long pareto,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long paretoLatency, long meetsTolerance) {

        static Counts of(int candidates, List<Row> ranked) {
            List<Trial> trials = ranked.stream().map(Row::trial).filter(t -> !t.isBase()).toList();
            boolean timed = ranked.stream().anyMatch(r -> r.paretoLatency() != null);
            return new Counts(candidates, count(trials, TrialStatus.OK), count(trials, TrialStatus.FAILED),
                    count(trials, TrialStatus.DIVERGED), count(trials, TrialStatus.TIMEOUT),
                    trials.stream().filter(Trial::cached).count(), ranked.stream().filter(Row::pareto).count(),
                    timed ? ranked.stream().filter(Row::onLatencyFront).count() : null,
                    ranked.stream().filter(r -> !r.trial().isBase() && r.meetsTolerance()).count());
        }

        private static long count(List<Trial> trials, TrialStatus status) {
            return trials.stream().filter(t -> t.status() == status).count();
        }
    }

    static RunRecord of(Prepared p, List<Row> ranked, int candidates, List<String> saved, Changes.Summary changes) {
        SearchSpec s = p.spec().spec();
        String baseModelHash = ranked.get(0).trial().provenance().baseModelHash();
        Tables tables = null;
        if (p.spec().readsTables()) {
            SearchSpec.DataSpec d = s.data;
            tables = new Tables(d.format, d.train, d.test != null ? d.test : "data.testFraction " + d.testFraction + " of train");
        }
        Data data = new Data(p.dataLocation(), tables, p.data().sha256(), p.data().train().size(),
                p.data().validation().size(), p.data().test().size());
        BaseModel base = new BaseModel(s.model.file != null ? s.model.file : "trained: " + s.model.architecture,
                baseModelHash, p.base().paramsTotal(), p.base().accuracy(), p.base().validationAccuracy());
        Choice selection = new Choice(s.objective.split().label(), s.objective.split().drop().name(),
                s.objective.maxAccuracyDrop, s.objective.confidence);
        String best = Selection.best(ranked, s.objective.split()).map(Row::candidate).orElse(null);
        return new RunRecord(s.name, p.spec().source(), p.spec().sha256(), p.spec().resolved(), s.seed,
                Versions.all(ranked.get(0).trial().provenance().sparkVersion()), data, base, selection, p.timings(),
                Counts.of(candidates, ranked), best, saved, p.cache().location(), p.out().target(), changes);
    }
}
