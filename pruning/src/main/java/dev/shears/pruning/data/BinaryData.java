package dev.shears.pruning.data;

import dev.shears.pruning.BadInputException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Shears' own data file: a header (magic, class count, example shape, row count), the labels as
 * ints and the features as float32, all big-endian. Tables that only Spark can read are written
 * once in this form, so that every executor loads them with plain Hadoop I/O and no Spark session.
 * The bytes depend only on the data, so their hash identifies it.
 */
public final class BinaryData {

    private static final int MAGIC = 0x53484431; // "SHD1"

    private BinaryData() {
    }

    public static byte[] encode(LabeledData data) {
        int[] shape = data.shape();
        long size = 4L * (4 + shape.length) + 4L * data.size() + 4L * data.features().length;
        if (size > Integer.MAX_VALUE - 8) {
            throw new BadInputException("data of " + data.size() + " rows x " + data.width()
                    + " values is too large for one data file (2 GB)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putInt(MAGIC).putInt(data.numClasses()).putInt(shape.length);
        for (int s : shape) {
            b.putInt(s);
        }
        b.putInt(data.size());
        b.asIntBuffer().put(data.labels());
        b.position(b.position() + 4 * data.size());
        b.asFloatBuffer().put(data.features());
        return b.array();
    }

    /** Identifies training and test data by the bytes of their files. */
    public static String hash(byte[] train, byte[] test) {
        return Hashes.sha256(Hashes.sha256(train) + "|" + Hashes.sha256(test));
    }

    public static LabeledData decode(String location, byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.getInt() != MAGIC) {
                throw new BadInputException(location + ": not a Shears data file");
            }
            int numClasses = b.getInt();
            int[] shape = new int[b.getInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = b.getInt();
            }
            int[] labels = new int[b.getInt()];
            b.asIntBuffer().get(labels);
            b.position(b.position() + 4 * labels.length);
            int width = 1;
            for (int s : shape) {
                width *= s;
            }
            float[] features = new float[labels.length * width];
            b.asFloatBuffer().get(features);
            return new LabeledData(features, labels, numClasses, shape);
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new BadInputException(location + ": truncated Shears data file", e);
        }
    }
}
