package dev.shears.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Layer-wise sensitivity analysis, then one pruning candidate built from it. Phase 1 prunes each layer alone
 * at each scan ratio, one-shot and without fine-tuning, to measure how much accuracy each layer can lose.
 * Phase 2 spreads {@code targetSparsity} over the layers, weighted by their sizes, so that the least
 * sensitive layers are pruned hardest (see {@link RatioAllocator}), and proposes that allocation with the
 * adaptive schedule. Params not set here keep each dimension's first value.
 */
public final class SensitivityStrategy implements SearchStrategy {

    /** One phase-1 measurement: accuracy after pruning {@code layer} alone at {@code ratio}. */
    public record ScanRow(String layer, double ratio, double accuracy, double drop) {
    }

    static final List<Double> DEFAULT_SCAN_RATIOS = List.of(0.3, 0.5, 0.7, 0.9);
    static final String ALL_LAYERS = "all";

    private final List<String> layers;
    private final double[] layerSizes;
    private final double[] scanRatios;
    private final double targetSparsity;
    private final double tolerance;
    private final double baseAccuracy;
    private final SelectionMetric metric;
    private final Map<String, Object> basePoint;
    private final int fidelity;
    private final Batch scan;
    private Batch allocated;
    private List<ScanRow> scanTable = List.of();
    private Map<String, Double> allocation = Map.of();

    /** Every option this strategy reads; the driver fills in the layers, their sizes and the base accuracy. */
    public static final Set<String> OPTIONS = Set.of("layers", "layerSizes", "scanRatios", "targetSparsity",
            "tolerance", "baseAccuracy", SelectionMetric.OPTION);

    public SensitivityStrategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.layers = options.names("layers", null);
        List<Double> sizes = options.numbers("layerSizes", null, 1, Double.POSITIVE_INFINITY);
        if (sizes.size() != layers.size()) {
            throw Options.invalid("layerSizes", "one weight count per entry of option 'layers' (" + layers.size() + ")", sizes);
        }
        this.layerSizes = sizes.stream().mapToDouble(Double::doubleValue).toArray();
        this.scanRatios = new TreeSet<>(options.numbers("scanRatios", DEFAULT_SCAN_RATIOS, 0.01, 0.99))
                .stream().mapToDouble(Double::doubleValue).toArray();
        this.targetSparsity = options.number("targetSparsity", 0.8, 0.01, RatioAllocator.MAX_RATIO);
        this.tolerance = options.number("tolerance", 0.02, 0, 1);
        this.baseAccuracy = options.number("baseAccuracy", null, 0, 1);
        this.metric = options.selectionMetric();
        this.basePoint = space.firstPoint();
        this.fidelity = config.fidelity();

        long needed = (long) layers.size() * scanRatios.length + 1;
        if (config.budget() < needed) {
            throw new IllegalArgumentException("budget " + config.budget() + " is below the " + needed
                    + " trials sensitivity needs: one per layer and scan ratio, plus the final candidate");
        }
        List<Candidate> probes = new ArrayList<>();
        for (String layer : layers) {
            for (double ratio : scanRatios) {
                Map<String, Object> params = new LinkedHashMap<>(basePoint);
                params.put("layers", layer);
                params.put("ratio", ratio);
                params.put("schedule", "oneshot");
                params.put("epochs", 0);
                probes.add(new Candidate(CandidateIds.of(probes.size()), params, 0));
            }
        }
        this.scan = new Batch(probes);
    }

    @Override
    public String name() {
        return "sensitivity";
    }

    @Override
    public Optional<Candidate> ask() {
        return allocated == null ? scan.next() : allocated.next();
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        if (allocated != null) {
            allocated.record(candidate, result);
            return;
        }
        scan.record(candidate, result);
        if (scan.isComplete()) {
            scanTable = tabulate(scan.outcomes());
            allocation = allocate();
            allocated = new Batch(List.of(finalCandidate()));
        }
    }

    @Override
    public boolean isFinished() {
        return allocated != null && !allocated.hasUnasked();
    }

    /** The phase-1 measurements by layer then ratio (empty until all are in); failed trials show NaN. */
    public List<ScanRow> scanTable() {
        return scanTable;
    }

    /** The scan as {@code sensitivity.csv}, and the allocation as {@code allocation.csv}. */
    @Override
    public Map<String, List<Map<String, Object>>> extraTables() {
        List<Map<String, Object>> scanRows = new ArrayList<>();
        for (ScanRow r : scanTable) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", r.layer());
            row.put("ratio", r.ratio());
            row.put(metric.name(), r.accuracy());
            row.put("drop", r.drop());
            scanRows.add(row);
        }
        List<Map<String, Object>> allocationRows = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", layers.get(l));
            row.put("weights", (long) layerSizes[l]);
            row.put("ratio", allocation.get(layers.get(l)));
            allocationRows.add(row);
        }
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        tables.put("sensitivity", scanRows);
        if (!allocation.isEmpty()) {
            tables.put("allocation", allocationRows);
        }
        return tables;
    }

    /** Each layer's pruning ratio in the final candidate (empty until the scan is complete). */
    public Map<String, Double> allocation() {
        return allocation;
    }

    private List<ScanRow> tabulate(List<Batch.Outcome> outcomes) {
        List<ScanRow> rows = new ArrayList<>();
        for (Batch.Outcome o : outcomes) {
            double accuracy = metric.score(o.result());
            rows.add(new ScanRow((String) o.candidate().get("layers"), (Double) o.candidate().get("ratio"),
                    accuracy, baseAccuracy - accuracy));
        }
        return Collections.unmodifiableList(rows);
    }

    private Map<String, Double> allocate() {
        DropCurve[] curves = new DropCurve[layers.size()];
        for (int l = 0; l < curves.length; l++) {
            double[] drops = new double[scanRatios.length];
            for (int i = 0; i < drops.length; i++) {
                double drop = scanTable.get(l * scanRatios.length + i).drop();
                // a failed probe counts as losing all accuracy: the layer is as sensitive as can be
                drops[i] = Double.isNaN(drop) ? baseAccuracy : drop;
            }
            curves[l] = new DropCurve(scanRatios, drops);
        }
        double[] ratios = RatioAllocator.allocate(layerSizes, curves, targetSparsity, tolerance);
        Map<String, Double> byLayer = new LinkedHashMap<>();
        for (int l = 0; l < ratios.length; l++) {
            byLayer.put(layers.get(l), ratios[l]);
        }
        return Collections.unmodifiableMap(byLayer);
    }

    private Candidate finalCandidate() {
        Map<String, Object> params = new LinkedHashMap<>(basePoint);
        params.put("layers", ALL_LAYERS);
        params.put("ratio", targetSparsity);
        params.put("layerRatios", new LinkedHashMap<>(allocation));
        params.put("schedule", "adaptive");
        return new Candidate(CandidateIds.of(scanTable.size()), params, fidelity);
    }
}
