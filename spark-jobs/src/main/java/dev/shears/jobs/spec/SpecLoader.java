package dev.shears.jobs.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.data.Hashes;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import dev.shears.search.Dimension;
import dev.shears.search.SearchSpace;
import dev.shears.search.Strategies;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a spec, applies {@code --set} overrides, and rejects anything that cannot run, with the
 * file, the field's path and the allowed values in the message, before any work starts.
 */
public final class SpecLoader {

    /** A field given twice is an error, not "the last one wins". */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** How candidates use the cluster. */
    public static final List<String> EXECUTIONS = List.of("per-candidate", "data-parallel");

    /** Base models a spec can ask to be trained. */
    public static final List<String> ARCHITECTURES = List.of("mlp", "lenet5", "cnn-small", "resnet-small", "resnet8");

    /** Data formats read by Spark, as tables with a label column. */
    public static final List<String> TABLE_FORMATS = List.of("parquet", "orc", "spark-csv");

    private SpecLoader() {
    }

    /**
     * @param location the spec file (local path or Hadoop URI)
     * @param sets     overrides such as {@code search.budget=40}
     */
    public static LoadedSpec load(String location, List<String> sets) {
        return parse(location, utf8(location, HadoopFiles.readAll(toUri(location))), sets);
    }

    /**
     * The spec's text. A byte that is not UTF-8 is refused: decoded leniently it would become U+FFFD, and a
     * name or value would change without a word while the search ran on.
     */
    static String utf8(String source, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new SpecException(String.format(Locale.ROOT,
                    "%s: byte 0x%02X at offset %d (line %d) is not valid UTF-8; a spec must be UTF-8 text (save it as UTF-8)",
                    source, bytes[at] & 0xff, at, line));
        }
        return out.flip().toString();
    }

    /** A local path becomes a file: URI; a URI stays as it is. */
    public static String toUri(String location) {
        return location.contains("://") || location.startsWith("file:") ? location
                : java.nio.file.Path.of(location).toAbsolutePath().toUri().toString();
    }

    public static LoadedSpec parse(String source, String text, List<String> sets) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SpecException(source + ": " + yamlProblem(e));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new SpecException(source + ": the spec is empty");
        }
        if (!tree.isObject()) {
            throw new SpecException(source + ": the spec must be a mapping of fields, not " + tree.getNodeType());
        }
        for (String set : sets) {
            applySet(source, (ObjectNode) tree, set);
        }
        // a section with nothing under it reads as null, which no field of the spec may be
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                throw new SpecException(source + ": field '" + field.getKey() + "' is empty: give its value, or leave it "
                        + "out for the default");
            }
        }
        SearchSpec spec;
        try {
            spec = YAML.treeToValue(tree, SearchSpec.class);
        } catch (UnrecognizedPropertyException e) {
            String allowed = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new SpecException(source + ": unknown field '" + path(e) + "' (allowed here: " + allowed + ")");
        } catch (JsonMappingException e) {
            throw new SpecException(source + ": field '" + path(e) + "': " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new SpecException(source + ": " + e.getOriginalMessage());
        }
        List<SearchSpace> spaces = validate(source, spec);
        String canonical;
        try {
            canonical = JSON.writeValueAsString(JSON.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-serialize the spec", e);
        }
        return new LoadedSpec(source, spec, tree, spaces, Hashes.sha256(canonical));
    }

    /** What is wrong with a YAML text, on one line: where, what, and the field given twice if that is it. */
    private static String yamlProblem(JsonProcessingException e) {
        String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        if (e.getProcessor() instanceof JsonParser p && e.getOriginalMessage().startsWith("Duplicate field")) {
            return "field '" + path(p.getParsingContext()) + "' is given twice" + at + "; give each field once";
        }
        if (e.getCause() instanceof MarkedYAMLException m) {
            Mark mark = m.getProblemMark();
            return "not valid YAML" + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
                    + ": " + m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext() + ")");
        }
        return "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("") + at;
    }

    private static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            parts.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName());
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static void applySet(String source, ObjectNode root, String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new SpecException("--set '" + set + "': expected field.path=value, e.g. search.budget=40");
        }
        String[] keys = set.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(set.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new SpecException("--set '" + set + "': the value is " + yamlProblem(e));
        }
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode child = node.get(keys[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(keys[i]);
            } else if (!child.isObject()) {
                throw new SpecException("--set '" + set + "': '" + keys[i] + "' in " + source + " is not a mapping");
            }
            node = (ObjectNode) child;
        }
        node.set(keys[keys.length - 1], value == null || value.isMissingNode() ? YAML.nullNode() : value);
    }

    private static List<SearchSpace> validate(String src, SearchSpec s) {
        Checks c = new Checks(src);
        c.require(s.name != null && !s.name.isBlank(), "name", "a non-empty text");
        SearchSpec.DataSpec d = s.data;
        c.require(d != null, "data", "a mapping");
        c.require(Set.of("idx", "csv").contains(d.format) || TABLE_FORMATS.contains(d.format), "data.format",
                "idx, csv, " + String.join(", ", TABLE_FORMATS), d.format);
        if (TABLE_FORMATS.contains(d.format)) {
            c.require(d.train != null, "data.train", "the training table's location");
            c.require(d.test != null || (d.testFraction > 0 && d.testFraction < 1), "data.testFraction",
                    "a number in (0, 1) when there is no data.test table", d.testFraction);
            c.require(d.test == null || d.testFraction == 0, "data.testFraction",
                    "0 when data.test names a test table", d.testFraction);
            c.require(d.features == null || d.vector == null, "data.vector",
                    "either data.features or data.vector, not both", d.vector);
            c.require(d.features == null || (!d.features.isEmpty() && !d.features.contains(null)
                    && !d.features.contains(d.labelColumn)), "data.features",
                    "a list of feature columns, without the label column", d.features);
            c.require(d.shape == null || (d.shape.size() == 3 && d.shape.stream().allMatch(v -> v != null && v > 0)),
                    "data.shape", "[channels, height, width], each > 0", d.shape);
        } else {
            c.require(d.features == null && d.vector == null && d.shape == null && d.testFraction == 0,
                    "data.format", "parquet, orc or spark-csv for data.features, data.vector, data.shape "
                            + "and data.testFraction", d.format);
        }
        if ("csv".equals(d.format)) {
            c.require(d.train != null, "data.train", "the training CSV's location");
            c.require(d.test != null, "data.test", "the test CSV's location");
        } else if ("idx".equals(d.format)) {
            c.require(d.dir != null || (d.trainImages != null && d.trainLabels != null
                    && d.testImages != null && d.testLabels != null), "data.dir", "a folder of IDX files");
        }
        c.require(d.numClasses >= 2, "data.numClasses", "a whole number >= 2", d.numClasses);
        c.require(d.trainLimit >= 0, "data.trainLimit", "a whole number >= 0 (0 = all rows)", d.trainLimit);
        c.require(d.testLimit >= 0, "data.testLimit", "a whole number >= 0 (0 = all rows)", d.testLimit);
        c.require(d.validationFraction >= 0 && d.validationFraction < 1, "data.validationFraction",
                "a number in [0, 1)", d.validationFraction);
        SearchSpec.ModelSpec m = s.model;
        c.require(m != null, "model", "a mapping");
        c.require(ARCHITECTURES.contains(m.architecture), "model.architecture", String.join(", ", ARCHITECTURES), m.architecture);
        c.require(m.hidden != null && !m.hidden.isEmpty() && m.hidden.stream().allMatch(h -> h != null && h > 0),
                "model.hidden", "a list of layer sizes > 0", m.hidden);
        c.require(m.epochs >= 0, "model.epochs", "a whole number >= 0", m.epochs);
        c.require(m.learningRate > 0, "model.learningRate", "a number > 0", m.learningRate);
        c.require(m.batchSize >= 1, "model.batchSize", "a whole number >= 1", m.batchSize);
        SearchSpec.SearchSettings se = s.search;
        c.require(se != null, "search", "a mapping");
        c.require(Strategies.names().contains(se.strategy), "search.strategy", String.join(", ", Strategies.names()), se.strategy);
        for (String option : se.options.keySet()) {
            try {
                Strategies.checkOptions(se.strategy, List.of(option));
            } catch (IllegalArgumentException e) {
                throw new SpecException(src + ": field 'search.options." + option + "': " + e.getMessage());
            }
        }
        c.require(se.budget >= 1, "search.budget", "a whole number >= 1", se.budget);
        c.require(se.epochBudget >= 0, "search.epochBudget", "a whole number >= 0 (0 = no limit)", se.epochBudget);
        c.require(se.parallelism >= 0, "search.parallelism", "a whole number >= 0 (0 = all cores)", se.parallelism);
        c.require(EXECUTIONS.contains(se.execution), "search.execution", String.join(", ", EXECUTIONS), se.execution);
        c.require(se.averagingFrequency >= 1, "search.averagingFrequency", "a whole number >= 1", se.averagingFrequency);
        c.require(se.trialTimeout >= 0, "search.trialTimeout", "a number of seconds >= 0 (0 = no limit)", se.trialTimeout);
        c.require(se.threadsPerTask >= 1, "search.threadsPerTask", "a whole number >= 1", se.threadsPerTask);
        c.require(s.finetune.batchSize >= 1, "finetune.batchSize", "a whole number >= 1", s.finetune.batchSize);
        c.require(s.finetune.calibrationBatches >= 1, "finetune.calibrationBatches", "a whole number >= 1",
                s.finetune.calibrationBatches);
        c.require(s.objective.maxAccuracyDrop >= 0 && s.objective.maxAccuracyDrop <= 1, "objective.maxAccuracyDrop",
                "a number in [0, 1]", s.objective.maxAccuracyDrop);
        c.require(s.objective.confidence >= Tolerance.POINT && s.objective.confidence < 1, "objective.confidence",
                "a number in [0.5, 1) (0.5 = the measured drop itself)", s.objective.confidence);
        c.require(s.objective.split() != null, "objective.selectOn", SelectionSplit.names(), s.objective.selectOn);
        if (s.objective.split() == SelectionSplit.VALIDATION && d.validationFraction == 0) {
            throw new SpecException(src + ": field 'data.validationFraction' is 0, so there is no validation split to "
                    + "select candidates on (objective.selectOn: validation); hold out part of the training rows "
                    + "(0.1, say), or set objective.selectOn: test to choose on the test split and report it so");
        }
        c.require(s.objective.constraints != null, "objective.constraints", "a mapping of constraint names to limits: "
                + String.join(", ", Constraints.names()));
        Constraints constraints;
        try {
            constraints = s.objective.constraints();
        } catch (IllegalArgumentException e) {
            throw new SpecException(src + ": field 'objective.constraints': " + e.getMessage());
        }
        c.require(se.measureLatency || constraints.figures().stream().noneMatch(f -> f.startsWith("latency")),
                "search.measureLatency", "true when objective.constraints limits latency", se.measureLatency);
        c.require(s.output.keepModels >= 0, "output.keepModels", "a whole number >= 0", s.output.keepModels);
        c.require(s.output.consoleRows >= 0, "output.consoleRows", "a whole number >= 0", s.output.consoleRows);
        List<SearchSpace> spaces = new ArrayList<>();
        if (s.space == null || s.space.isNull()) {
            spaces.add(new SearchSpace(List.of()));
        } else if (s.space.isObject()) {
            spaces.add(space(c, "space", s.space));
        } else if (s.space.isArray() && !s.space.isEmpty()) {
            for (int i = 0; i < s.space.size(); i++) {
                if (!s.space.get(i).isObject()) {
                    c.fail("space[" + i + "]", "a mapping of dimensions", s.space.get(i));
                }
                spaces.add(space(c, "space[" + i + "]", s.space.get(i)));
            }
            if (!"grid".equals(se.strategy)) {
                c.fail("space", "one mapping of dimensions for strategy " + se.strategy
                        + " (a list of mappings is a union of grids, for the grid strategy)", "a list");
            }
        } else {
            c.fail("space", "a mapping of dimensions, or a list of mappings", s.space);
        }
        if ("grid".equals(se.strategy) && !spaces.stream().allMatch(SearchSpace::isDiscrete)) {
            c.fail("space", "lists of values for the grid strategy (ranges need search.strategy: random, halving, asha, tpe or nsga2)", "a range");
        }
        return spaces;
    }

    private static SearchSpace space(Checks c, String path, JsonNode raw) {
        List<Dimension> dims = new ArrayList<>();
        for (var it = raw.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String field = path + "." + name;
            Dimensions.Def def = Dimensions.def(name);
            if (def == null) {
                throw new SpecException(c.source + ": unknown field '" + field + "' (allowed dimensions: "
                        + String.join(", ", Dimensions.names()) + ", " + Dimensions.LAYER_RATIO + "<layer>)");
            }
            JsonNode node = e.getValue();
            if (node != null && node.isObject()) {
                dims.add(range(c, field, def, node));
                continue;
            }
            List<Object> values = new ArrayList<>();
            if (node != null && node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    values.add(checked(c, field + "[" + i + "]", def, node.get(i)));
                }
            } else {
                values.add(checked(c, field, def, node));
            }
            if (values.isEmpty()) {
                c.fail(field, "at least one value", "an empty list");
            }
            dims.add(new Dimension.Choice(name, values));
        }
        return new SearchSpace(dims);
    }

    private static Object checked(Checks c, String field, Dimensions.Def def, JsonNode node) {
        Object value = node == null || node.isNull() ? null
                : node.isNumber() ? node.numberValue()
                : node.isBoolean() ? node.booleanValue()
                : node.isTextual() ? node.textValue() : node.toString();
        String allowed = Dimensions.check(def, value);
        if (allowed != null) {
            c.fail(field, allowed, value);
        }
        return value;
    }

    private static Dimension range(Checks c, String field, Dimensions.Def def, JsonNode node) {
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("min", "max", "log").contains(k)) {
                throw new SpecException(c.source + ": unknown field '" + field + "." + k + "' (allowed here: log, max, min)");
            }
        }
        if (!node.path("min").isNumber() || !node.path("max").isNumber()) {
            c.fail(field, "a list of values or a range {min: number, max: number, log: true|false}", node.toString());
        }
        Object lo = checked(c, field + ".min", def, node.get("min"));
        Object hi = checked(c, field + ".max", def, node.get("max"));
        if (lo instanceof Integer || def.fallback() instanceof Integer) {
            c.fail(field, "a list of whole numbers (ranges are for continuous dimensions)", node.toString());
        }
        double min = ((Number) lo).doubleValue();
        double max = ((Number) hi).doubleValue();
        c.require(min <= max, field + ".max", "a number >= min (" + min + ")", max);
        boolean log = node.path("log").asBoolean(false);
        c.require(!log || min > 0, field + ".min", "a number > 0 for a log range", min);
        return new Dimension.Range(def.name(), min, max, log);
    }

    /** Collects nothing: the first failed check throws, naming the file and field. */
    private record Checks(String source) {
        void require(boolean ok, String field, String allowed) {
            if (!ok) {
                throw new SpecException(source + ": field '" + field + "' is missing or wrong (allowed: " + allowed + ")");
            }
        }

        void require(boolean ok, String field, String allowed, Object value) {
            if (!ok) {
                fail(field, allowed, value);
            }
        }

        void fail(String field, String allowed, Object value) {
            throw new SpecException(source + ": field '" + field + "': " + value + " is not allowed (allowed: " + allowed + ")");
        }
    }
}
