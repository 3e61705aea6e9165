package dev.shears.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {

    /**
     * a -> b through a field, b -> c through a generic type argument only, c -> a through an annotation's value only;
     * d depends on the cycle but is not in it; e depends on d, which names e in a string only.
     */
    private static final Map<String, String> SOURCES = Map.of(
            "a/A.java", "package a; public class A { b.B b; }",
            "b/B.java", "package b; public class B { java.util.List<c.C> cs; }",
            "c/Uses.java", "package c; public @interface Uses { Class<?> value(); }",
            "c/C.java", "package c; @Uses(a.A.class) public class C {}",
            "d/D.java", "package d; public class D { a.A a; String e = \"e/E\"; }",
            "e/E.java", "package e; public class E { d.D d; }");

    @Test
    void namesTheCyclesPackagesAndOneClassDependencyPerEdge(@TempDir Path dir) throws IOException {
        String report = assertThrows(AssertionError.class, () -> PackageCycles.in(compiled(dir)).assertNone())
                .getMessage();
        assertEquals(List.of(
                "  cycle between a, b, c",
                "    a -> b (a.A -> b.B)",
                "    b -> c (b.B -> c.C)",
                "    c -> a (c.C -> a.A)"), report.lines().skip(1).toList());
    }

    @Test
    void anIgnoredDependencyBreaksItsCycle(@TempDir Path dir) throws IOException {
        Path classes = compiled(dir);
        PackageCycles.in(classes).ignoring("c", "a").assertNone();
        assertTrue(assertThrows(AssertionError.class, () -> PackageCycles.in(classes).ignoring("d", "a").assertNone())
                .getMessage().contains("cycle between a, b, c"));
    }

    @Test
    void anIgnoredDependencyNoClassMakesFails(@TempDir Path dir) throws IOException {
        assertEquals("ignored, but no class in " + dir.resolve("classes") + " makes it: a -> d",
                assertThrows(AssertionError.class, () -> PackageCycles.in(compiled(dir)).ignoring("c", "a")
                        .ignoring("a", "d").assertNone()).getMessage());
    }

    @Test
    void refusesAJarRatherThanFindingNothingInIt(@TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("classes.jar"));
        assertThrows(IllegalArgumentException.class, () -> PackageCycles.in(jar));
    }

    private static Path compiled(Path dir) throws IOException {
        List<String> args = new ArrayList<>(List.of("-d", dir.resolve("classes").toString()));
        for (Map.Entry<String, String> source : SOURCES.entrySet()) {
            Path file = dir.resolve("src").resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        return dir.resolve("classes");
    }
}
