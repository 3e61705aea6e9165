package dev.shears.pruning.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Channels that must be removed together, found by {@link ChannelGroups}: channel c is unit c of
 * every producer (layers whose outputs are added element-wise share their channels), entry c of
 * every per-channel layer in between (the followers: batch normalisation) and the input slice c of
 * every consumer. The operations take a parameter lookup by full key ({@code net::getParam}), so
 * they serve chains and graphs alike.
 *
 * @param name           the first producer's layer name
 * @param size           channels in the group
 * @param producerLayers names of the layers whose units the channels are
 * @param consumerLayers names of the weight layers that read the channels
 */
public record ChannelGroup(String name, int size, List<ChannelSlice> producers, List<ChannelSlice> followers,
                           List<ChannelSlice> consumers, List<String> producerLayers, List<String> consumerLayers) {

    public ChannelGroup {
        producers = List.copyOf(producers);
        followers = List.copyOf(followers);
        consumers = List.copyOf(consumers);
        producerLayers = List.copyOf(producerLayers);
        consumerLayers = List.copyOf(consumerLayers);
    }

    /**
     * Masks the channels not kept: the producers' units and biases, and the consumers' inputs that
     * read them. The followers need no mask: a removed channel's batch normalisation still emits a
     * constant ({@code beta - gamma*mean/sqrt(var)}, not zero even if the producer's unit is), but
     * no consumer reads it any more, so the network computes what it would without the channel.
     */
    public void mask(boolean[] keep, Function<String, INDArray> param, MaskSet masks) {
        if (keep.length != size) {
            throw new IllegalArgumentException("channel group " + name + " has " + size + " channels, not " + keep.length);
        }
        Stream.concat(producers.stream(), consumers.stream()).forEach(s -> {
            INDArray p = param.apply(s.key());
            masks.put(s.key(), Groups.mask(p, s.axis(), s.keepAlong(p.size(s.axis()), keep)));
        });
    }

    /**
     * Which channels some consumer still reads through a non-zero weight. The others cannot change
     * the network's outputs, whatever they compute, so they can be removed.
     */
    public boolean[] readChannels(Function<String, INDArray> param) {
        boolean[] read = new boolean[size];
        for (ChannelSlice s : consumers) {
            float[] inputs = s.sumPerChannel(Groups.sumAlong(Transforms.abs(param.apply(s.key()), true), s.axis()), size);
            for (int c = 0; c < size; c++) {
                read[c] |= inputs[c] > 0;
            }
        }
        return read;
    }

    /**
     * One score per channel: each member slice sums its scores per channel (over a filter, an input
     * slice, a batch normalisation entry), then {@code reduce} combines the members ({@code producers}
     * sums the producers alone). Members the
     * lookup has no scores for (it returns null) are left out, so a scorer of weight arrays only
     * scores the producers and consumers.
     *
     * @param scores per-entry scores shaped like the parameter, by full parameter key
     */
    public float[] scores(Function<String, INDArray> scores, GroupReduce reduce) {
        List<float[]> members = new ArrayList<>();
        Stream<List<ChannelSlice>> which = reduce == GroupReduce.PRODUCERS ? Stream.of(producers)
                : Stream.of(producers, followers, consumers);
        which.flatMap(List::stream).forEach(s -> {
            INDArray a = scores.apply(s.key());
            if (a != null) {
                members.add(s.sumPerChannel(Groups.sumAlong(a, s.axis()), size));
            }
        });
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member of channel group " + name + " has scores");
        }
        return reduce.reduce(members);
    }
}
