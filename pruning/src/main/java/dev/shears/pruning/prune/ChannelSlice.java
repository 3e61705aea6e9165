package dev.shears.pruning.prune;

/**
 * One slice of a parameter array that indexes a group's channels: channel c owns the indices
 * {@code [offset + c*perChannel, offset + (c+1)*perChannel)} along {@code axis}. The offset places
 * the channels of one branch of a concatenation; {@code perChannel} is {@code h*w} where a
 * channel-major (NCHW) flatten spreads each channel over a feature map's positions, else 1.
 *
 * @param key the full DL4J parameter key: {@code index_W} in a chain, {@code vertexName_W} in a graph
 */
public record ChannelSlice(String key, int axis, long offset, int perChannel) {

    /**
     * Which indices of the axis (of {@code length} indices) stay when channel c stays exactly if
     * {@code channels[c]}: the indices of other groups' channels (outside the slice) all stay.
     */
    public boolean[] keepAlong(long length, boolean[] channels) {
        boolean[] keep = new boolean[(int) length];
        java.util.Arrays.fill(keep, true);
        for (int c = 0; c < channels.length; c++) {
            for (int k = 0; k < perChannel; k++) {
                keep[(int) offset + c * perChannel + k] = channels[c];
            }
        }
        return keep;
    }

    /** Per channel, the sum of its indices' values in {@code along} (one value per index of the axis), -inf skipped. */
    float[] sumPerChannel(float[] along, int channels) {
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            boolean any = false;
            for (int k = 0; k < perChannel; k++) {
                float v = along[(int) offset + c * perChannel + k];
                if (v != Float.NEGATIVE_INFINITY) {
                    sum += v;
                    any = true;
                }
            }
            out[c] = any ? (float) sum : Float.NEGATIVE_INFINITY;
        }
        return out;
    }
}
