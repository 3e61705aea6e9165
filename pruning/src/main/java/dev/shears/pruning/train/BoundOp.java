package dev.shears.pruning.train;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A native operation whose arrays and arguments are bound to a native context once and which then
 * runs again and again on whatever those arrays hold. ND4J's {@code exec} builds the context anew
 * for every call: a native graph context, argument pointers that JavaCPP registers for deallocation
 * (reading the process's resident memory from {@code /proc} each time), and the op object with a
 * random UUID; for a training step's small products that costs tens of microseconds a call. The
 * arithmetic is the same native call as {@code exec}'s, so the results are too.
 */
final class BoundOp implements AutoCloseable {

    private final CustomOp op;
    private final OpContext context;

    BoundOp(CustomOp op) {
        this.op = op;
        context = Nd4j.getExecutioner().buildContext();
        // what exec(CustomOp) sets on its context, once; these ops draw no random numbers
        context.markInplace(op.isInplaceCall());
        context.setInputArrays(op.inputArguments());
        context.setOutputArrays(op.outputArguments());
        context.setBArguments(op.bArgs());
        context.setIArguments(op.iArgs());
        context.setTArguments(op.tArgs());
        context.setDArguments(op.dArgs());
    }

    void run() {
        Nd4j.getExecutioner().exec(op, context);
    }

    @Override
    public void close() {
        try {
            context.close();
        } catch (Exception e) {
            // OpContext is AutoCloseable, whose close may throw; the native context's does not
            throw new IllegalStateException("cannot free the native context of " + op.opName(), e);
        }
    }

    /**
     * Bound ops by the arrays object they run on (a batch size's activations, say), made on first use;
     * {@link #close} frees every context.
     */
    static final class PerArrays<A> implements AutoCloseable {
        private final Map<A, BoundOp[]> bound = new IdentityHashMap<>();
        private final Function<A, List<CustomOp>> ops;

        PerArrays(Function<A, List<CustomOp>> ops) {
            this.ops = ops;
        }

        BoundOp[] of(A arrays) {
            return bound.computeIfAbsent(arrays, a -> ops.apply(a).stream().map(BoundOp::new).toArray(BoundOp[]::new));
        }

        @Override
        public void close() {
            bound.values().forEach(ops -> Arrays.stream(ops).forEach(BoundOp::close));
            bound.clear();
        }
    }
}
