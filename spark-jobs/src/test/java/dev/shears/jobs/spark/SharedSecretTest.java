package dev.shears.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shears.pruning.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedSecretTest {

    @TempDir
    Path dir;

    @Test
    void theFileWinsOverTheVariableAndLosesItsTrailingLineBreak() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from the file\r\n");
        Map<String, String> env = Map.of(SharedSecret.FILE_ENV, file.toString(), SharedSecret.ENV, "from the variable");
        assertEquals(Optional.of("from the file"), SharedSecret.fromEnvironment(env));
        assertEquals("the secret in " + file, SharedSecret.source(env));
    }

    @Test
    void theVariableAloneIsTheSecretAndNeitherMeansNone() {
        assertEquals(Optional.of(" spaced "), SharedSecret.fromEnvironment(Map.of(SharedSecret.ENV, " spaced ")));
        assertEquals("the secret in $" + SharedSecret.ENV, SharedSecret.source(Map.of(SharedSecret.ENV, "x")));
        assertEquals(Optional.empty(), SharedSecret.fromEnvironment(Map.of(SharedSecret.ENV, "")));
        assertEquals(Optional.empty(), SharedSecret.fromEnvironment(Map.of()));
    }

    @Test
    void aMissingOrEmptyFileIsBadInputNamingIt() throws Exception {
        Path missing = dir.resolve("missing");
        BadInputException e = assertThrows(BadInputException.class,
                () -> SharedSecret.fromEnvironment(Map.of(SharedSecret.FILE_ENV, missing.toString())));
        assertEquals("the secret file " + missing + " does not exist", e.getMessage());

        Path empty = Files.writeString(dir.resolve("empty"), "\n\n");
        e = assertThrows(BadInputException.class,
                () -> SharedSecret.fromEnvironment(Map.of(SharedSecret.FILE_ENV, empty.toString())));
        assertEquals("the secret file " + empty + " is empty", e.getMessage());
    }

    @Test
    void onlyTrailingLineBreaksAreDropped() {
        assertEquals("a\nb", SharedSecret.withoutLineBreak("a\nb\n\n"));
        assertEquals("a\r\nb", SharedSecret.withoutLineBreak("a\r\nb\r\n"));
        assertEquals("a ", SharedSecret.withoutLineBreak("a "));
    }
}
