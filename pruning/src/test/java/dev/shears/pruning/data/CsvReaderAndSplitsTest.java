package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderAndSplitsTest {

    @TempDir
    Path dir;

    private String csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toUri().toString();
    }

    @Test
    void findsTheLabelColumnByNameAnywhere() throws IOException {
        String f = csv("a.csv", "x,label,y\n0.5,1,2\n1.5,0,3\n");
        LabeledData d = CsvReader.read(f, true, "label", 2, 0).data();
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertArrayEquals(new float[] {0.5f, 2f, 1.5f, 3f}, d.features());
        assertArrayEquals(new int[] {2}, d.shape());
    }

    @Test
    void withoutHeaderTheLabelColumnIsAnIndex() throws IOException {
        String f = csv("b.csv", "1,0.1,0.2\n2,0.3,0.4\n");
        LabeledData d = CsvReader.read(f, false, "0", 3, 0).data();
        assertArrayEquals(new int[] {1, 2}, d.labels());
        assertEquals(1, CsvReader.read(f, false, "0", 3, 1).data().size(), "limit");
    }

    @Test
    void badCellsNameTheLineAndColumn() throws IOException {
        String f = csv("c.csv", "label,a,b\n1,0.5,0.2\n1,x,0.1\n");
        BadInputException e = assertThrows(BadInputException.class, () -> CsvReader.read(f, true, "label", 2, 0));
        assertTrue(e.getMessage().contains("c.csv") && e.getMessage().contains("line 3") && e.getMessage().contains("'x'"));
        String ragged = csv("d.csv", "label,a\n1,0.5\n0,0.1,0.2\n");
        assertTrue(assertThrows(BadInputException.class, () -> CsvReader.read(ragged, true, "label", 2, 0))
                .getMessage().contains("3 columns, expected 2"));
        String badLabel = csv("e.csv", "label,a\n5,0.5\n");
        assertTrue(assertThrows(BadInputException.class, () -> CsvReader.read(badLabel, true, "label", 2, 0))
                .getMessage().contains("0..1"));
        String noLabel = csv("f.csv", "y,a\n1,0.5\n");
        assertTrue(assertThrows(BadInputException.class, () -> CsvReader.read(noLabel, true, "label", 2, 0))
                .getMessage().contains("'label'"));
        String empty = csv("g.csv", "label,a\n");
        assertTrue(assertThrows(BadInputException.class, () -> CsvReader.read(empty, true, "label", 2, 0))
                .getMessage().contains("no data rows"));
    }

    @Test
    void validationSplitIsSeededDisjointAndComplete() throws IOException {
        StringBuilder sb = new StringBuilder("label,id\n");
        IntStream.range(0, 100).forEach(i -> sb.append(i % 2).append(',').append(i).append('\n'));
        String train = csv("train.csv", sb.toString());
        String test = csv("test.csv", "label,id\n0,1000\n1,1001\n");
        DataLocation loc = new DataLocation("csv", train, null, test, null, "label", true, 2, 0, 0, 0.2, 5);
        DataSplits s = DataLoader.load(loc);
        assertEquals(80, s.train().size());
        assertEquals(20, s.validation().size());
        assertEquals(2, s.test().size());
        float[] ids = new float[100];
        System.arraycopy(s.train().features(), 0, ids, 0, 80);
        System.arraycopy(s.validation().features(), 0, ids, 80, 20);
        Arrays.sort(ids);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, ids[i], "every training row lands in exactly one split");
        }
        assertArrayEquals(s.validation().features(), DataLoader.load(loc).validation().features(), "same seed, same split");
        DataLocation other = new DataLocation("csv", train, null, test, null, "label", true, 2, 0, 0, 0.2, 6);
        assertTrue(!Arrays.equals(s.validation().features(), DataLoader.load(other).validation().features()));
        assertTrue(!s.sha256().equals(DataLoader.load(other).sha256()), "the split is part of the data's identity");
    }

    @Test
    void featureCountsMustMatchBetweenTrainAndTest() throws IOException {
        String train = csv("tr.csv", "label,a,b\n0,1,2\n1,3,4\n");
        String test = csv("te.csv", "label,a\n0,1\n");
        DataLocation loc = new DataLocation("csv", train, null, test, null, "label", true, 2, 0, 0, 0, 1);
        assertTrue(assertThrows(BadInputException.class, () -> DataLoader.load(loc)).getMessage().contains("te.csv"));
    }
}
