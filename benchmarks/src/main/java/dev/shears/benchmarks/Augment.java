package dev.shears.benchmarks;

import dev.shears.pruning.data.LabeledData;
import java.util.SplittableRandom;

/**
 * Image augmentation for the quality benchmark's dense training: each row shifted by up to
 * {@code shift} pixels in each direction (zero fill) and mirrored left to right half the time, drawn
 * anew every epoch. Fashion-MNIST's classes keep their label under both; without it LeNet-5 and
 * ResNet-8 fit the training rows and lose validation accuracy within 15-30 epochs.
 */
record Augment(int shift, boolean mirror) {

    static final Augment NONE = new Augment(0, false);

    boolean on() {
        return shift > 0 || mirror;
    }

    /** What it does, as the report says it. */
    String describe() {
        return "each epoch on the training images " + (shift > 0 ? "shifted by up to " + shift + " pixel"
                + (shift > 1 ? "s" : "") + " each way" + (mirror ? " and " : "") : "")
                + (mirror ? "mirrored left to right half the time" : "");
    }

    /** {@code data} with every image moved and mirrored by draws from {@code seed}; vectors come back as they are. */
    LabeledData apply(LabeledData data, long seed) {
        int[] shape = data.shape();
        if (!on() || shape.length != 3) {
            return data;
        }
        int h = shape[0];
        int w = shape[1];
        int c = shape[2];
        int plane = h * w;
        int width = plane * c;
        float[] in = data.features();
        float[] out = new float[in.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int row = 0; row < data.size(); row++) {
            int dy = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
            int dx = shift == 0 ? 0 : random.nextInt(-shift, shift + 1);
            boolean flip = mirror && random.nextBoolean();
            int base = row * width;
            // rows are channels-first: channel, then y, then x
            for (int ch = 0; ch < c; ch++) {
                int offset = base + ch * plane;
                for (int y = 0; y < h; y++) {
                    int sy = y - dy;
                    if (sy < 0 || sy >= h) {
                        continue;
                    }
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) - dx;
                        if (sx >= 0 && sx < w) {
                            out[offset + y * w + x] = in[offset + sy * w + sx];
                        }
                    }
                }
            }
        }
        return new LabeledData(out, data.labels(), data.numClasses(), shape);
    }
}
