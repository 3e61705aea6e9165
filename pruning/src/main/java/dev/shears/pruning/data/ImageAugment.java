package dev.shears.pruning.data;

import java.util.SplittableRandom;

/**
 * Training-image augmentation: each image shifted by up to {@code shift} pixels in each direction
 * (zero fill) and, with {@code mirror}, mirrored left to right half the time, drawn anew for every
 * epoch: for classes that keep their label when moved or mirrored (clothes, not digits).
 */
public record ImageAugment(int shift, boolean mirror) {

    public static final ImageAugment NONE = new ImageAugment(0, false);

    public boolean on() {
        return shift > 0 || mirror;
    }

    /** What it does, as the report says it. */
    public String describe() {
        return "each epoch on the training images " + (shift > 0 ? "shifted by up to " + shift + " pixel"
                + (shift > 1 ? "s" : "") + " each way" + (mirror ? " and " : "") : "")
                + (mirror ? "mirrored left to right half the time" : "");
    }

    /** {@code data} with every image moved and mirrored by draws from {@code seed}; vectors come back as they are. */
    public LabeledData apply(LabeledData data, long seed) {
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
