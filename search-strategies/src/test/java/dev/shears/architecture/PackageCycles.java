package dev.shears.architecture;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds cycles between the packages of one module, read from its compiled classes, so that packages stay layers.
 *
 * <p>A class depends on every class of the module whose name appears in its constant pool: fields, methods, local
 * variables, generic signatures and annotation values (picocli's subcommands, for one) all name their types there.
 * Constants that javac inlines leave no trace, as in any check of class files.
 */
public final class PackageCycles {

    /** Runs of name characters; a descriptor's {@code Lpkg/Name;} gives the run {@code Lpkg/Name}. */
    private static final Pattern NAME = Pattern.compile("[\\w$/]+");

    private final Path classes;
    private final Set<String> ignored = new TreeSet<>();
    private final Set<String> ignoredAndFound = new HashSet<>();

    private PackageCycles(Path classes) {
        this.classes = classes;
    }

    /** The module that {@code mainClass} was compiled in: its whole classes directory. */
    public static PackageCycles of(Class<?> mainClass) {
        try {
            return in(Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classes under {@code classes}, a directory laid out by package. */
    public static PackageCycles in(Path classes) {
        if (!Files.isDirectory(classes)) {
            throw new IllegalArgumentException("not a classes directory: " + classes);
        }
        return new PackageCycles(classes);
    }

    /** Leaves out the dependencies of package {@code from} on package {@code to}, which must exist. */
    public PackageCycles ignoring(String from, String to) {
        ignored.add(from + " -> " + to);
        return this;
    }

    /**
     * Fails naming each cycle's packages and, for each dependency between them, one class that makes it; or, so that
     * an exception goes when its reason does, naming an ignored dependency that no class has any more.
     */
    public void assertNone() {
        Map<String, Map<String, String>> edges = packageEdges();
        Set<String> gone = new TreeSet<>(ignored);
        gone.removeAll(ignoredAndFound);
        if (!gone.isEmpty()) {
            throw new AssertionError("ignored, but no class in " + classes + " makes it: " + String.join(", ", gone));
        }
        List<Set<String>> cycles = stronglyConnected(edges);
        if (cycles.isEmpty()) {
            return;
        }
        StringBuilder report = new StringBuilder("package cycles in " + classes + ":");
        for (Set<String> cycle : cycles) {
            report.append("\n  cycle between ").append(String.join(", ", cycle));
            edges.forEach((from, targets) -> targets.forEach((to, because) -> {
                if (cycle.contains(from) && cycle.contains(to)) {
                    report.append("\n    ").append(from).append(" -> ").append(to).append(" (").append(because).append(')');
                }
            }));
        }
        throw new AssertionError(report.toString());
    }

    /** Package to package, each with the first class dependency (by name) that makes it. */
    private Map<String, Map<String, String>> packageEdges() {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            walk.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class"))
                    .forEach(p -> files.put(internalName(p), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Map<String, String>> edges = new TreeMap<>();
        files.forEach((name, file) -> {
            String from = packageOf(name);
            for (String target : referencedNames(file)) {
                String to = packageOf(target);
                if (!files.containsKey(target) || from.equals(to)) {
                    continue;
                }
                if (ignored.contains(from + " -> " + to)) {
                    ignoredAndFound.add(from + " -> " + to);
                } else {
                    edges.computeIfAbsent(from, k -> new TreeMap<>())
                            .merge(to, dotted(name) + " -> " + dotted(target), (first, later) -> first);
                }
            }
        });
        return edges;
    }

    private String internalName(Path classFile) {
        String relative = classes.relativize(classFile).toString().replace(classFile.getFileSystem().getSeparator(), "/");
        return relative.substring(0, relative.length() - ".class".length());
    }

    /** Every run of name characters in the class's constant pool, other than string literals. */
    private static Set<String> referencedNames(Path classFile) {
        Set<String> names = new TreeSet<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(classFile)))) {
            in.skipNBytes(8); // magic number and version
            int count = in.readUnsignedShort();
            String[] texts = new String[count];
            BitSet literals = new BitSet(count);
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> texts[i] = in.readUTF(); // the class file's modified UTF-8 is DataInput's
                    case 8 -> literals.set(in.readUnsignedShort());
                    case 7, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // longs and doubles take two entries
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
            for (int i = 1; i < count; i++) {
                if (texts[i] != null && !literals.get(i)) {
                    Matcher m = NAME.matcher(texts[i]);
                    while (m.find()) {
                        names.add(m.group());
                        if (m.group().startsWith("L")) {
                            names.add(m.group().substring(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Groups of two or more packages that each reach all the others (strongly connected components). */
    private static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> edges) {
        Map<String, Set<String>> reach = new TreeMap<>();
        edges.keySet().forEach(p -> reach.put(p, reachable(p, edges)));
        List<Set<String>> cycles = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        reach.forEach((p, fromP) -> {
            Set<String> cycle = new TreeSet<>();
            for (String q : fromP) {
                if (reach.getOrDefault(q, Set.of()).contains(p)) {
                    cycle.add(q);
                }
            }
            if (cycle.size() > 1 && !placed.contains(p)) {
                placed.addAll(cycle);
                cycles.add(cycle);
            }
        });
        return cycles;
    }

    private static Set<String> reachable(String start, Map<String, Map<String, String>> edges) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            for (String next : edges.getOrDefault(todo.pop(), Map.of()).keySet()) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }
}
