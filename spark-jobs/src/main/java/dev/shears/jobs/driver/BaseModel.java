package dev.shears.jobs.driver;

import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecException;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MemoryEstimate;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.train.FineTuner;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** The dense model every candidate starts from: the user's model file, or one trained as the spec describes. */
final class BaseModel {

    private BaseModel() {
    }

    /** The user's model file, or the untrained network the spec describes (see {@link #train}). */
    static Network build(SearchSpec spec, DataSplits data) {
        SearchSpec.ModelSpec m = spec.model;
        if (m.file != null) {
            Network net = ModelBytes.load(SpecLoader.toUri(m.file));
            // loaded, it is in memory once; fine-tuning it needs several times that
            MemoryEstimate.of(net).check(MemoryEstimate.Limit.ofThisJvm(), "model.file " + m.file);
            long inputs = net.inputSize();
            if (inputs != data.train().width()) {
                throw new SpecException("model.file " + m.file + ": the model takes " + inputs
                        + " inputs but the data has " + data.train().width() + " features");
            }
            return net;
        }
        int[] shape = data.train().shape();
        int classes = data.train().numClasses();
        if (!m.architecture.equals("mlp") && shape.length != 3) {
            throw new SpecException("model.architecture '" + m.architecture + "' needs image data (data.format: idx), "
                    + "but the data has flat rows of " + data.train().width() + " features");
        }
        // sized from the configuration before anything is allocated: a network larger than memory is bad input
        return switch (m.architecture) {
            case "mlp" -> chain(MlpFactory.conf(data.train().width(), m.hidden, classes, m.learningRate, spec.seed),
                    "model.hidden");
            case "lenet5" -> chain(CnnFactory.lenet5Conf(shape[0], shape[1], shape[2], classes, m.learningRate, spec.seed),
                    "model.architecture lenet5");
            case "cnn-small" -> chain(CnnFactory.smallConf(shape[0], shape[1], shape[2], classes, m.learningRate,
                    spec.seed), "model.architecture cnn-small");
            case "resnet-small" -> graph(ResNetFactory.resnetSmallConf(shape[0], shape[1], shape[2], classes,
                    m.learningRate, spec.seed), "model.architecture resnet-small");
            case "resnet8" -> graph(ResNetFactory.resnet8Conf(shape[0], shape[1], shape[2], classes, m.learningRate,
                    spec.seed), "model.architecture resnet8");
            default -> throw new SpecException("model.architecture '" + m.architecture + "' is not known (allowed: "
                    + String.join(", ", SpecLoader.ARCHITECTURES) + ")");
        };
    }

    /** The chain {@code conf} describes, initialised once its memory is known to fit; {@code field} sized it. */
    private static Network chain(MultiLayerConfiguration conf, String field) {
        MemoryEstimate.of(conf).check(MemoryEstimate.Limit.ofThisJvm(), field);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return Network.of(net);
    }

    /** The graph {@code conf} describes, initialised once its memory is known to fit; {@code field} sized it. */
    private static Network graph(ComputationGraphConfiguration conf, String field) {
        MemoryEstimate.of(conf).check(MemoryEstimate.Limit.ofThisJvm(), field);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return Network.of(net);
    }

    /** True when the base model is trained here rather than read from the user's file. */
    static boolean trained(SearchSpec spec) {
        return spec.model.file == null;
    }

    static void train(SearchSpec spec, Network net, DataSplits data, FineTuner tuner) {
        SearchSpec.ModelSpec m = spec.model;
        tuner.fit(net, data.train(), null, m.epochs, m.batchSize, m.learningRate, spec.seed, null, null);
    }
}
