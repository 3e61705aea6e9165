package dev.shears.pruning.data;

import dev.shears.pruning.BadInputException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Reads the IDX format of MNIST-style data sets (optionally gzipped): unsigned-byte image
 * tensors (magic 0x00000803) and label vectors (magic 0x00000801). Pixels are scaled to [0, 1].
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images and their hash, {@code limit} rows at most (0 = all). */
    public record Images(float[] pixels, int count, int rows, int cols, String sha256) {
    }

    public record Labels(int[] labels, String sha256) {
    }

    public static Images readImages(String location, int limit) {
        try (InputStream raw = HadoopFiles.openMaybeGzip(location)) {
            MessageDigest md = Hashes.sha256();
            DataInputStream in = new DataInputStream(new DigestInputStream(raw, md));
            int magic = header(in, location);
            if (magic != IMAGES_MAGIC) {
                throw new BadInputException(String.format(
                        "%s: not an IDX image file (magic 0x%08x, expected 0x%08x)", location, magic, IMAGES_MAGIC));
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n < 0 || rows <= 0 || cols <= 0) {
                throw new BadInputException(location + ": impossible IDX dimensions " + n + " x " + rows + " x " + cols);
            }
            int count = limit > 0 ? Math.min(limit, n) : n;
            int w = rows * cols;
            byte[] buf = new byte[count * w];
            readFully(in, buf, location, "expected " + n + " images of " + rows + "x" + cols);
            return new Images(unitFloats(buf), count, rows, cols, Hashes.hex(md.digest()) + (count < n ? ":first" + count : ""));
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be read as IDX: " + e.getMessage(), e);
        }
    }

    /** Bytes as pixel values in [0, 1]: a loop of its own, which the JIT compiles alone rather than with the reading around it. */
    private static float[] unitFloats(byte[] bytes) {
        float[] px = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            px[i] = (bytes[i] & 0xff) / 255f;
        }
        return px;
    }

    public static Labels readLabels(String location, int limit) {
        try (InputStream raw = HadoopFiles.openMaybeGzip(location)) {
            MessageDigest md = Hashes.sha256();
            DataInputStream in = new DataInputStream(new DigestInputStream(raw, md));
            int magic = header(in, location);
            if (magic != LABELS_MAGIC) {
                throw new BadInputException(String.format(
                        "%s: not an IDX label file (magic 0x%08x, expected 0x%08x)", location, magic, LABELS_MAGIC));
            }
            int n = in.readInt();
            if (n < 0) {
                throw new BadInputException(location + ": impossible label count " + n);
            }
            int count = limit > 0 ? Math.min(limit, n) : n;
            byte[] buf = new byte[count];
            readFully(in, buf, location, "expected " + n + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = buf[i] & 0xff;
            }
            return new Labels(labels, Hashes.hex(md.digest()) + (count < n ? ":first" + count : ""));
        } catch (IOException e) {
            throw new BadInputException(location + ": cannot be read as IDX: " + e.getMessage(), e);
        }
    }

    /** Images and labels of one split, checked against each other. */
    public static LabeledData read(String imagesLocation, String labelsLocation, int limit, int numClasses) {
        Images images = readImages(imagesLocation, limit);
        Labels labels = readLabels(labelsLocation, limit);
        if (images.count() != labels.labels().length) {
            throw new BadInputException(imagesLocation + " holds " + images.count() + " images but "
                    + labelsLocation + " holds " + labels.labels().length + " labels: they must match");
        }
        for (int i = 0; i < labels.labels().length; i++) {
            if (labels.labels()[i] >= numClasses) {
                throw new BadInputException(labelsLocation + ": label " + labels.labels()[i] + " at row " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
        return new LabeledData(images.pixels(), labels.labels(), numClasses,
                new int[] {images.rows(), images.cols(), 1});
    }

    /** Combined hash of an image file and a label file as read. */
    public static String hash(String imagesLocation, String labelsLocation, int limit) {
        return Hashes.sha256(readImages(imagesLocation, limit).sha256() + "|" + readLabels(labelsLocation, limit).sha256());
    }

    private static int header(DataInputStream in, String location) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new BadInputException(location + ": empty or truncated IDX file (no header)");
        }
    }

    private static void readFully(DataInputStream in, byte[] buf, String location, String expected) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                throw new BadInputException(location + ": truncated IDX file: " + expected
                        + ", but the data ends after " + off + " of " + buf.length + " bytes");
            }
            off += r;
        }
    }
}
