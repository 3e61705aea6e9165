package dev.shears.jobs.driver;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.shears.pruning.run.CandidateOutcome;
import java.util.List;
import java.util.Optional;

/**
 * How busy the trial slots were: the trials' busy slot-seconds over the slot-seconds available from the first
 * trial's start to the last one's end, each trial timed where it ran. Only trials this run computed count: a
 * resumed or cached one ran at another time, or not at all.
 *
 * @param slots            trials that run at once
 * @param trials           trials timed
 * @param busySlotSeconds  their wall times added up
 * @param spanSeconds      from the first one's start to the last one's end
 * @param utilisation      {@code busySlotSeconds / (slots * spanSeconds)}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder(alphabetic = true)
public record SlotUtilisation(int slots, int trials, double busySlotSeconds, double spanSeconds, double utilisation) {

    /** The utilisation of {@code slots} slots by trials that ran over {@code spans}; empty without any. */
    static Optional<SlotUtilisation> of(List<CandidateOutcome.Span> spans, int slots) {
        if (spans.isEmpty()) {
            return Optional.empty();
        }
        long first = spans.stream().mapToLong(CandidateOutcome.Span::startMillis).min().orElseThrow();
        long last = spans.stream().mapToLong(CandidateOutcome.Span::endMillis).max().orElseThrow();
        long busy = spans.stream().mapToLong(s -> s.endMillis() - s.startMillis()).sum();
        double span = (last - first) / 1e3;
        // a run of instant trials has no span to measure against
        double utilisation = last == first ? 1 : busy / 1e3 / (slots * span);
        return Optional.of(new SlotUtilisation(slots, spans.size(), Math.round(busy / 10.0) / 100.0,
                Math.round(span * 100) / 100.0, Math.round(utilisation * 1000) / 1000.0));
    }
}
