package dev.shears.jobs.driver;

import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.Columns;
import dev.shears.jobs.output.Ranking;
import dev.shears.jobs.output.Report;
import dev.shears.jobs.output.TableFormats;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.metrics.ProcessMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a finished search: tables, Pareto front, provenance, the best models and the report. */
final class Outputs {

    private static final List<String> CONSOLE = List.of("rank", "candidate", "scorer", "granularity", "scope",
            "layers", "schedule", "target_sparsity", "compression", "val_accuracy_drop", "accuracy", "accuracy_drop",
            "speedup_b64", "pareto", "status");

    private Outputs() {
    }

    /** The candidates whose models are kept: the first {@code keepModels} successful ones in rank order. */
    static List<String> kept(List<Map<String, Object>> ranked, int keepModels, Checkpoints models) {
        List<String> kept = new ArrayList<>();
        for (Map<String, Object> r : ranked) {
            if (kept.size() >= keepModels) {
                break;
            }
            String id = String.valueOf(r.get("candidate"));
            if (!Ranking.BASE.equals(id) && "OK".equals(r.get("status")) && models.hasModel(id)) {
                kept.add(id);
            }
        }
        return kept;
    }

    /**
     * @param ranked rows in rank order ({@link Ranking#rank})
     * @param kept   candidates whose models are saved ({@link #kept})
     */
    static List<Map<String, Object>> write(SearchJob.Prepared p, List<Map<String, Object>> ranked, List<String> kept,
                                           Map<String, List<Map<String, Object>>> extraTables, Checkpoints models,
                                           Map<String, Object> provenance, int trials,
                                           SearchJob.ParquetWriter parquet, PrintStream console) {
        SearchSpec s = p.spec().spec();
        long start = System.nanoTime();
        List<String> columns = Columns.of(ranked);
        Map<String, Object> changes = null;
        try {
            var out = p.out();
            out.write("results.csv", TableFormats.csv(ranked, columns));
            out.write("results.json", SearchJob.json(ranked));
            out.write("pareto.csv", TableFormats.csv(
                    ranked.stream().filter(r -> Boolean.TRUE.equals(r.get("pareto"))).toList(), columns));
            out.writeDirectory("results.parquet", path -> parquet.write(ranked, columns, path));
            for (Map.Entry<String, List<Map<String, Object>>> t : extraTables.entrySet()) {
                out.write(t.getKey() + ".csv", TableFormats.csv(t.getValue()));
            }
            List<String> saved = new ArrayList<>();
            out.write("models/base.zip", p.baseModel());
            saved.add("models/base.zip");
            for (String id : kept) {
                out.write("models/" + id + ".zip", models.model(id));
                saved.add("models/" + id + ".zip");
            }
            if (p.previous() != null) {
                List<Map<String, Object>> diff = Changes.rows(p.previous().rows(), ranked);
                out.write("changes.csv", TableFormats.csv(diff));
                changes = Changes.summary(p.previous().out(), p.previous().rows(), ranked, diff);
            }
            p.timings().put("write_seconds", SearchJob.seconds(start));
            // with embedded Spark the trials run in this process too: then it is the whole search's peak
            p.timings().put("driver_peak_resident_mb", ProcessMemory.peakResidentMb());
            Map<String, Object> run = runJson(p, ranked, provenance, trials, saved);
            if (changes != null) {
                run.put("changes", changes);
            }
            String runJson = SearchJob.json(run);
            out.write("run.json", runJson);
            out.write("report.html", Report.html("Shears: " + s.name, ranked, runJson, s.objective.maxAccuracyDrop,
                    s.objective.split()));
            out.commit(Checkpoints.DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + p.out().target() + ": " + e.getMessage(), e);
        }
        print(ranked, s, console);
        if (console != null) {
            if (changes != null) {
                console.println();
                console.println(Changes.headline(changes));
            }
            console.println();
            console.println("wrote " + p.out().target() + "/{results.csv, results.json, results.parquet/, pareto.csv, "
                    + "run.json, models/, report.html}");
        }
        return ranked;
    }

    /** The top of the ranked table on the console (nothing when {@code console} is null). */
    static void print(List<Map<String, Object>> ranked, SearchSpec s, PrintStream console) {
        if (console != null) {
            console.println();
            console.print(TableFormats.console(ranked, CONSOLE, s.output.consoleRows + 1));
        }
    }

    private static Map<String, Object> runJson(SearchJob.Prepared p, List<Map<String, Object>> ranked,
                                               Map<String, Object> provenance, int trials, List<String> saved) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("name", p.spec().spec().name);
        run.put("spec_source", p.spec().source());
        run.put("spec_hash", p.spec().sha256());
        run.put("spec", p.spec().resolved());
        run.put("seed", p.spec().spec().seed);
        run.put("versions", Versions.all(String.valueOf(provenance.get("spark_version"))));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("location", p.dataLocation());
        if (p.spec().readsTables()) {
            // the location above is the tables' copy, removed with the checkpoints: these are what was read
            SearchSpec.DataSpec d = p.spec().spec().data;
            Map<String, Object> tables = new LinkedHashMap<>();
            tables.put("format", d.format);
            tables.put("train", d.train);
            tables.put("test", d.test != null ? d.test : "data.testFraction " + d.testFraction + " of train");
            data.put("tables", tables);
        }
        data.put("hash", p.data().sha256());
        data.put("train_rows", p.data().train().size());
        data.put("validation_rows", p.data().validation().size());
        data.put("test_rows", p.data().test().size());
        run.put("data", data);
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("source", p.spec().spec().model.file != null ? p.spec().spec().model.file : "trained: " + p.spec().spec().model.architecture);
        base.put("hash", provenance.get("base_model_hash"));
        base.put("params_total", p.base().paramsTotal());
        base.put("accuracy", p.base().accuracy());
        base.put("val_accuracy", p.base().validationAccuracy());
        run.put("base_model", base);
        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put("split", p.spec().spec().objective.split().label());
        selection.put("column", p.spec().spec().objective.split().drop());
        selection.put("max_accuracy_drop", p.spec().spec().objective.maxAccuracyDrop);
        run.put("selection", selection);
        run.put("timings", p.timings());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("candidates", trials);
        for (String status : List.of("OK", "FAILED", "DIVERGED", "TIMEOUT")) {
            counts.put(status.toLowerCase(java.util.Locale.ROOT),
                    ranked.stream().filter(r -> !Ranking.BASE.equals(r.get("candidate")) && status.equals(r.get("status"))).count());
        }
        counts.put("cached", ranked.stream().filter(r -> Boolean.TRUE.equals(r.get("cached"))).count());
        counts.put("pareto", ranked.stream().filter(r -> Boolean.TRUE.equals(r.get("pareto"))).count());
        counts.put("meets_tolerance", ranked.stream()
                .filter(r -> !Ranking.BASE.equals(r.get("candidate")) && Boolean.TRUE.equals(r.get("meets_tolerance"))).count());
        run.put("counts", counts);
        ranked.stream().filter(r -> !Ranking.BASE.equals(r.get("candidate")) && Boolean.TRUE.equals(r.get("meets_tolerance")))
                .findFirst().ifPresent(best -> run.put("best", best.get("candidate")));
        run.put("models", saved);
        run.put("cache", p.cache().location());
        run.put("out", p.out().target());
        return run;
    }
}
