package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        // the raw local file system: no .crc files, and no chmod subprocess per file created
        assertInstanceOf(RawLocalFileSystem.class, HadoopFiles.fs(location));
        try (OutputStream out = HadoopFiles.create(location)) {
            out.write("a,b\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertEquals(List.of("table.csv"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("a,b\n", new String(HadoopFiles.readAll(location), StandardCharsets.UTF_8));
    }
}
