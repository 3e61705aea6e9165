package dev.shears.pruning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX image file of {@code n} 2x3 images whose pixel i of image k is (k * 6 + i) * 10. */
    static byte[] images(int n, int magic, int declared) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(declared);
        out.writeInt(2);
        out.writeInt(3);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 6; i++) {
                out.writeByte((k * 6 + i) * 10 % 256);
            }
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.LABELS_MAGIC);
        out.writeInt(values.length);
        for (int v : values) {
            out.writeByte(v);
        }
        return bytes.toByteArray();
    }

    private String write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p.toUri().toString();
    }

    @Test
    void readsGzippedAndPlainFilesAlikeScaledToUnitRange() throws IOException {
        String gz = write("img.gz", images(3, IdxReader.IMAGES_MAGIC, 3), true);
        String raw = write("img", images(3, IdxReader.IMAGES_MAGIC, 3), false);
        IdxReader.Images a = IdxReader.readImages(gz, 0);
        IdxReader.Images b = IdxReader.readImages(raw, 0);
        assertEquals(3, a.count());
        assertEquals(2, a.rows());
        assertEquals(3, a.cols());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals(70 / 255f, a.pixels()[7], 1e-6);
        assertEquals(a.sha256(), b.sha256(), "the hash is of the content, not of the compression");
    }

    @Test
    void limitTakesTheFirstRowsAndChangesTheHash() throws IOException {
        String file = write("img.gz", images(5, IdxReader.IMAGES_MAGIC, 5), true);
        IdxReader.Images two = IdxReader.readImages(file, 2);
        assertEquals(2, two.count());
        assertArrayEquals(Arrays.copyOf(IdxReader.readImages(file, 0).pixels(), 12), two.pixels());
        assertNotEquals(IdxReader.readImages(file, 0).sha256(), two.sha256());
    }

    @Test
    void imagesAndLabelsFormLabeledDataWithImageShape() throws IOException {
        String img = write("img.gz", images(3, IdxReader.IMAGES_MAGIC, 3), true);
        String lab = write("lab.gz", labels(2, 0, 9), true);
        LabeledData d = IdxReader.read(img, lab, 0, 10);
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {2, 3, 1}, d.shape());
        assertArrayEquals(new int[] {2, 0, 9}, d.labels());
    }

    @Test
    void wrongMagicNamesTheFileAndBothNumbers() throws IOException {
        String lab = write("lab.gz", labels(1, 2), true);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.readImages(lab, 0));
        assertTrue(e.getMessage().contains("lab.gz") && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void truncatedFilesAreBadInput() throws IOException {
        byte[] full = images(4, IdxReader.IMAGES_MAGIC, 4);
        String cut = write("cut.gz", Arrays.copyOf(full, full.length - 5), true);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.readImages(cut, 0));
        assertTrue(e.getMessage().contains("cut.gz") && e.getMessage().contains("truncated"), e.getMessage());
        String empty = write("empty", new byte[0], false);
        assertTrue(assertThrows(BadInputException.class, () -> IdxReader.readLabels(empty, 0)).getMessage().contains("empty"));
        byte[] gz = Files.readAllBytes(Path.of(java.net.URI.create(write("whole.gz", full, true))));
        String brokenGzip = write("broken.gz", Arrays.copyOf(gz, gz.length / 2), false);
        assertThrows(BadInputException.class, () -> IdxReader.readImages(brokenGzip, 0));
    }

    @Test
    void countMismatchBetweenImagesAndLabelsIsBadInput() throws IOException {
        String img = write("img.gz", images(3, IdxReader.IMAGES_MAGIC, 3), true);
        String lab = write("lab.gz", labels(1, 2), true);
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.read(img, lab, 0, 10));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void labelsOutsideTheClassesAreBadInput() throws IOException {
        String img = write("img.gz", images(2, IdxReader.IMAGES_MAGIC, 2), true);
        String lab = write("lab.gz", labels(1, 12), true);
        assertTrue(assertThrows(BadInputException.class, () -> IdxReader.read(img, lab, 0, 10))
                .getMessage().contains("label 12"));
    }

    @Test
    void missingFileIsNamed() {
        String missing = dir.resolve("nope.gz").toUri().toString();
        BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.readImages(missing, 0));
        assertTrue(e.getMessage().contains("nope.gz") && e.getMessage().contains("no such file"));
    }
}
