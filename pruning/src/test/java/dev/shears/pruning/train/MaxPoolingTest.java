package dev.shears.pruning.train;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxPoolingTest {

    /** 2 images of 3 channels, 5 x 6, NCHW, values with ties. */
    private static final int N = 2;
    private static final int C = 3;
    private static final int H = 5;
    private static final int W = 6;

    @Test
    void channelBlocksAsPlainNchwWithThePaddingChannelsLeftZero() {
        float[] x = values(N * C * H * W, 1);
        for (int[] window : new int[][] {{2, 2, 2, 2, 0, 0}, {3, 3, 2, 2, 1, 1}, {2, 3, 1, 2, 0, 1}}) {
            int[] k = {window[0], window[1]};
            int[] s = {window[2], window[3]};
            int[] b = {window[4], window[5]};
            int oh = (H + b[0] - k[0]) / s[0] + 1;
            int ow = (W + b[1] - k[1]) / s[1] + 1;
            float[] expected = reference(x, k, s, b, oh, ow);
            // NCHW: a plane per image and channel
            MaxPooling plain = new MaxPooling(N * C, H, W, 1, oh, ow, k, s, b);
            FloatBuffer out = buffer(N * C * oh * ow);
            plain.forward(buffer(x), out);
            assertArrayEquals(expected, array(out), 0f);
            // blocks of 8 channels, 3 of them real: what oneDNN keeps a 3-channel tensor in on AVX2
            MaxPooling blocked = new MaxPooling(N, H, W, 8, oh, ow, k, s, b);
            FloatBuffer blockedOut = buffer(N * 8 * oh * ow);
            blocked.forward(buffer(toBlocks(x, H, W)), blockedOut);
            assertArrayEquals(toBlocks(expected, oh, ow), array(blockedOut), 0f);
        }
    }

    @Test
    void theGradientGoesToEachWindowsFirstMaximumAndOverlapsAddUp() {
        // one plane, 3 x 3, windows 2 x 2 at stride 1: the middle value is in all four windows
        float[] x = {0, 1, 0,
                     2, 5, 5,
                     0, 1, 0};
        MaxPooling pool = new MaxPooling(1, 3, 3, 1, 2, 2, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0});
        FloatBuffer out = buffer(4);
        pool.forward(buffer(x), out);
        assertArrayEquals(new float[] {5, 5, 5, 5}, array(out), 0f);
        FloatBuffer diff = buffer(9);
        pool.backward(buffer(new float[] {1, 10, 100, 1000}), diff);
        // the tie in the right-hand windows goes to the first 5 (row-major), which every window then holds
        assertArrayEquals(new float[] {0, 0, 0, 0, 1111, 0, 0, 0, 0}, array(diff), 0f);
        // a second backward pass starts from zero, not from the last one's gradient
        pool.backward(buffer(new float[] {1, 1, 1, 1}), diff);
        assertEquals(4f, array(diff)[4], 0f);
    }

    @Test
    void backwardIsTheTransposeOfForwardOnRandomValues() {
        // <dy, pool(x + e d)> - <dy, pool(x)> = e <backward(dy), d> wherever no window's maximum changes place
        float[] x = gaussian(N * C * H * W, 7);
        int[] k = {2, 2};
        int[] s = {2, 2};
        int[] b = {0, 0};
        MaxPooling pool = new MaxPooling(N * C, H, W, 1, 2, 3, k, s, b);
        float[] dy = gaussian(N * C * 6, 8);
        FloatBuffer grad = buffer(x.length);
        pool.forward(buffer(x), buffer(dy.length));
        pool.backward(buffer(dy), grad);
        float[] g = array(grad);
        float[] d = gaussian(x.length, 9);
        float e = 1e-3f;
        float[] shifted = x.clone();
        for (int i = 0; i < x.length; i++) {
            shifted[i] += e * d[i];
        }
        double change = dot(dy, reference(shifted, k, s, b, 2, 3)) - dot(dy, reference(x, k, s, b, 2, 3));
        assertEquals(e * dot(g, d), change, 1e-4);
        assertTrue(Math.abs(dot(g, d)) > 0.1, "a gradient of zero passes trivially");
    }

    /** Max pooling of NCHW {@code x} by the definition, windows clipped to the image. */
    private static float[] reference(float[] x, int[] k, int[] s, int[] b, int oh, int ow) {
        float[] y = new float[N * C * oh * ow];
        for (int p = 0; p < N * C; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int h = i * s[0] - b[0]; h < i * s[0] - b[0] + k[0]; h++) {
                        for (int w = j * s[1] - b[1]; w < j * s[1] - b[1] + k[1]; w++) {
                            if (h >= 0 && h < H && w >= 0 && w < W) {
                                max = Math.max(max, x[(p * H + h) * W + w]);
                            }
                        }
                    }
                    y[(p * oh + i) * ow + j] = max;
                }
            }
        }
        return y;
    }

    /** NCHW values of C channels into one block of 8 channels per image (aBcd8b), the other 5 channels zero. */
    private static float[] toBlocks(float[] nchw, int h, int w) {
        float[] blocks = new float[N * 8 * h * w];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < h * w; i++) {
                    blocks[(n * h * w + i) * 8 + c] = nchw[(n * C + c) * h * w + i];
                }
            }
        }
        return blocks;
    }

    /** Values from -2 to 2 in steps of a half: ties in most windows. */
    private static float[] values(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextInt(9) - 4) / 2f;
        }
        return v;
    }

    /** Values without ties. */
    private static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    private static FloatBuffer buffer(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static FloatBuffer buffer(float[] values) {
        FloatBuffer b = buffer(values.length);
        b.put(0, values);
        return b;
    }

    private static float[] array(FloatBuffer b) {
        float[] a = new float[b.capacity()];
        b.get(0, a);
        return a;
    }
}
