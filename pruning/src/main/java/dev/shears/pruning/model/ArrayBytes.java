package dev.shears.pruning.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.commons.io.input.UnsynchronizedByteArrayInputStream;
import org.nd4j.common.primitives.Triple;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code Nd4j.write}'s and {@code Nd4j.read}'s format for an array (its shape buffer, then its
 * data buffer: allocation mode, length and type, then the values big-endian), with a float array's
 * values converted in one pass: ND4J writes and reads them one {@code writeFloat} or
 * {@code readFloat} at a time, which took a large share of saving or restoring a trial's model.
 * Anything else (views, other types, compressed buffers) goes to ND4J.
 */
final class ArrayBytes {

    private ArrayBytes() {
    }

    /** The bytes {@code Nd4j.write(array, out)} writes. */
    static void write(INDArray array, DataOutputStream out) throws IOException {
        DataBuffer data = array.data();
        if (array.isView() || array.dataType() != DataType.FLOAT || data.dataType() != DataType.FLOAT) {
            Nd4j.write(array, out);
            return;
        }
        array.shapeInfoDataBuffer().write(out);
        int length = (int) data.length();
        out.writeUTF(data.allocationMode().name());
        out.writeLong(length);
        out.writeUTF(data.dataType().name());
        ByteBuffer values = ByteBuffer.allocate(Float.BYTES * length).order(ByteOrder.BIG_ENDIAN);
        values.asFloatBuffer().put(data.asNioFloat());
        out.write(values.array());
    }

    /** The array {@code Nd4j.read} reads from {@code bytes}. */
    static INDArray read(byte[] bytes) throws IOException {
        UnsynchronizedByteArrayInputStream stream = UnsynchronizedByteArrayInputStream.builder().setByteArray(bytes).get();
        DataInputStream in = new DataInputStream(stream);
        Triple<DataBuffer.AllocationMode, Long, DataType> shapeHeader = BaseDataBuffer.readHeader(in);
        // as Nd4j.read makes it: read() then gives the buffer its length
        DataBuffer shape = Nd4j.createBufferDetached(new long[] {shapeHeader.getMiddle()}, shapeHeader.getRight());
        shape.read(in, shapeHeader.getLeft(), shapeHeader.getMiddle(), shapeHeader.getRight());
        Triple<DataBuffer.AllocationMode, Long, DataType> dataHeader = BaseDataBuffer.readHeader(in);
        boolean typed;
        try {
            typed = ArrayOptionsHelper.dataType(shape.asLong()) == DataType.FLOAT;
        } catch (RuntimeException e) {
            // older files carry no type in the shape: ND4J's reader knows what to do with them
            typed = false;
        }
        int length = dataHeader.getMiddle().intValue();
        if (!typed || dataHeader.getRight() != DataType.FLOAT || stream.available() != Float.BYTES * length) {
            return Nd4j.read(new DataInputStream(UnsynchronizedByteArrayInputStream.builder().setByteArray(bytes).get()));
        }
        DataBuffer data = Nd4j.createBuffer(DataType.FLOAT, length, false);
        data.asNioFloat().put(ByteBuffer.wrap(bytes, bytes.length - Float.BYTES * length, Float.BYTES * length)
                .order(ByteOrder.BIG_ENDIAN).asFloatBuffer());
        return Nd4j.createArrayFromShapeBuffer(data, shape);
    }
}
