package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {

    @TempDir
    Path dir;

    @Test
    void localFilesAreWrittenAloneWithoutChecksumCompanions() throws Exception {
        String location = dir.resolve("out").resolve("table.csv").toUri().toString();
        // the raw local file system: no .crc files
        assertInstanceOf(RawLocalFileSystem.class, HadoopFiles.fs(location));
        try (OutputStream out = HadoopFiles.create(location)) {
            out.write("a,b\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertEquals(List.of("table.csv"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("a,b\n", new String(HadoopFiles.readAll(location), StandardCharsets.UTF_8));
    }

    @Test
    void atomicLocalWritesCreateDirectoriesReplaceFilesAndLeaveNoTemporaries() throws Exception {
        String location = dir.resolve("run").resolve("checkpoint").resolve("c1.json").toUri().toString();
        HadoopFiles.writeAtomically(location, "first".getBytes(StandardCharsets.UTF_8));
        HadoopFiles.writeAtomically(location, "second".getBytes(StandardCharsets.UTF_8));
        Path written = dir.resolve("run").resolve("checkpoint").resolve("c1.json");
        try (Stream<Path> files = Files.list(written.getParent())) {
            assertEquals(List.of("c1.json"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("second", Files.readString(written));
        // what Hadoop's local streams gave files: readable and writable by their owner, readable by others
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(written);
        assertTrue(mode.containsAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)), mode::toString);
        assertFalse(mode.contains(PosixFilePermission.OWNER_EXECUTE), mode::toString);
    }
}
