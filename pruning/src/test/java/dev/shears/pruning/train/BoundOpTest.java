package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A bound operation computes what ND4J's own call does, on the values its arrays hold at each run. */
class BoundOpTest {

    @Test
    void aBoundProductEqualsGemmOnTheCurrentValuesAtEveryRun() {
        Nd4j.getRandom().setSeed(7);
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {5, 7}, 'f');
        INDArray b = Nd4j.rand(DataType.FLOAT, 7, 3).dup('f');
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {5, 3}, 'f');
        try (BoundOp product = new BoundOp(DenseForward.product(a, b, c, false))) {
            for (int round = 0; round < 3; round++) {
                a.assign(Nd4j.rand(DataType.FLOAT, 5, 7));
                product.run();
                INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {5, 3}, 'f');
                Nd4j.gemm(a, b, expected, false, false, 1.0, 0.0);
                assertArrayEquals(expected.data().asFloat(), c.data().asFloat(), "round " + round);
            }
        }
    }

    @Test
    void opsAreBoundOncePerArraysObject() {
        AtomicInteger made = new AtomicInteger();
        INDArray x = Nd4j.ones(DataType.FLOAT, 2, 2);
        INDArray y = Nd4j.create(DataType.FLOAT, 2, 2);
        try (BoundOp.PerArrays<Object> bound = new BoundOp.PerArrays<>(key -> {
            made.incrementAndGet();
            return List.of(DenseForward.product(x, x, y, true));
        })) {
            Object one = new Object();
            Object other = new Object();
            BoundOp[] first = bound.of(one);
            assertSame(first, bound.of(one));
            assertNotSame(first, bound.of(other));
            assertEquals(2, made.get());
            first[0].run();
            assertArrayEquals(new float[] {2, 2, 2, 2}, y.data().asFloat());
        }
    }
}
