package dev.shears.pruning.train;

import java.nio.FloatBuffer;

/**
 * Max pooling's training passes in Java, on a tensor laid out as planes of rows of columns of lanes: NCHW (a plane
 * per image and channel, one lane), NHWC (a plane per image, a lane per channel) or oneDNN's channel blocks (a plane
 * per image and block of 8 or 16 channels, a lane per channel of the block; the channels past the last are zeros
 * and stay so). The forward pass keeps where each window's maximum was, the first in row-major order among equals,
 * and the backward pass sends each output's gradient there. For CPUs where oneDNN's kernel for this is slow (see
 * {@link ComputePath#bypass}).
 */
final class MaxPooling {

    private final int planes;
    private final int height;
    private final int width;
    private final int lanes;
    private final int outHeight;
    private final int outWidth;
    private final int[] kernel;
    private final int[] stride;
    private final int[] before;
    /** For each output value, the offset of the input value it took. */
    private final int[] from;
    // the tensors in Java arrays: a direct buffer's element access costs several times an array's
    private final float[] in;
    private final float[] out;

    /**
     * @param before padding before the first row and column: windows cover only the rows and columns that exist
     */
    MaxPooling(int planes, int height, int width, int lanes, int outHeight, int outWidth, int[] kernel, int[] stride,
               int[] before) {
        this.planes = planes;
        this.height = height;
        this.width = width;
        this.lanes = lanes;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.before = before.clone();
        from = new int[planes * outHeight * outWidth * lanes];
        in = new float[planes * height * width * lanes];
        out = new float[from.length];
    }

    /** The maxima of {@code src}'s windows into {@code dst}, remembering where each came from. */
    void forward(FloatBuffer src, FloatBuffer dst) {
        src.get(0, in, 0, in.length);
        int o = 0;
        for (int p = 0; p < planes; p++) {
            int plane = p * height * width * lanes;
            for (int oh = 0; oh < outHeight; oh++) {
                int h0 = Math.max(0, oh * stride[0] - before[0]);
                int h1 = Math.min(height, oh * stride[0] - before[0] + kernel[0]);
                for (int ow = 0; ow < outWidth; ow++) {
                    int w0 = Math.max(0, ow * stride[1] - before[1]);
                    int w1 = Math.min(width, ow * stride[1] - before[1] + kernel[1]);
                    int first = plane + (h0 * width + w0) * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] = in[first + l];
                        from[o + l] = first + l;
                    }
                    for (int h = h0; h < h1; h++) {
                        for (int w = h == h0 ? w0 + 1 : w0; w < w1; w++) {
                            int at = plane + (h * width + w) * lanes;
                            for (int l = 0; l < lanes; l++) {
                                float v = in[at + l];
                                if (v > out[o + l]) {
                                    out[o + l] = v;
                                    from[o + l] = at + l;
                                }
                            }
                        }
                    }
                    o += lanes;
                }
            }
        }
        dst.put(0, out, 0, out.length);
    }

    /** The gradient of the last forward pass's input, from its output's gradient {@code diffDst}, into {@code diffSrc}. */
    void backward(FloatBuffer diffDst, FloatBuffer diffSrc) {
        diffDst.get(0, out, 0, out.length);
        java.util.Arrays.fill(in, 0f);
        for (int i = 0; i < from.length; i++) {
            in[from[i]] += out[i];
        }
        diffSrc.put(0, in, 0, in.length);
    }
}
