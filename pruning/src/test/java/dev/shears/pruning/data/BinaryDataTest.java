package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryDataTest {

    @TempDir
    Path dir;

    private static LabeledData images() {
        float[] x = new float[5 * 2 * 3 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.25f - 3;
        }
        return new LabeledData(x, new int[] {0, 2, 1, 2, 0}, 3, new int[] {3, 2, 2});
    }

    @Test
    void filesLoadBackAsTheRowsTheyWereWrittenFrom() throws Exception {
        LabeledData data = images();
        String train = Files.write(dir.resolve("train.bin"), BinaryData.encode(data)).toUri().toString();
        String test = Files.write(dir.resolve("test.bin"), BinaryData.encode(data.slice(0, 2))).toUri().toString();
        DataLocation location = new DataLocation("binary", train, null, test, null, null, false, 3, 0, 0, 0.2, 7);
        DataSplits splits = DataLoader.load(location);
        assertEquals(4, splits.train().size());
        assertEquals(1, splits.validation().size());
        assertArrayEquals(new int[] {3, 2, 2}, splits.test().shape());
        assertArrayEquals(Arrays.copyOf(data.features(), 24), splits.test().features());
        assertArrayEquals(new int[] {0, 2}, splits.test().labels());
        // the driver splits the rows it read exactly as executors split the files
        DataSplits inMemory = DataLoader.split(location, data, data.slice(0, 2),
                BinaryData.hash(Files.readAllBytes(dir.resolve("train.bin")), Files.readAllBytes(dir.resolve("test.bin"))));
        assertEquals(inMemory.sha256(), splits.sha256());
        assertArrayEquals(inMemory.validation().features(), splits.validation().features());
    }

    @Test
    void theHashFollowsTheContent() {
        byte[] a = BinaryData.encode(images());
        LabeledData other = images();
        other.labels()[4] = 1;
        assertEquals(BinaryData.hash(a, a), BinaryData.hash(BinaryData.encode(images()), a));
        assertNotEquals(BinaryData.hash(a, a), BinaryData.hash(BinaryData.encode(other), a));
    }

    @Test
    void aTruncatedFileIsBadInput() {
        byte[] bytes = BinaryData.encode(images());
        BadInputException e = assertThrows(BadInputException.class,
                () -> BinaryData.decode("cut.bin", Arrays.copyOf(bytes, bytes.length - 4)));
        assertTrue(e.getMessage().contains("cut.bin: truncated"), e.getMessage());
    }
}
