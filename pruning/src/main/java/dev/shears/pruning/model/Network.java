package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A classifier Shears can prune: a layer chain ({@link MultiLayerNetwork}) or a graph
 * ({@link ComputationGraph}, one input and one output). Pruning, training and measuring see layers
 * by their parameter keys ({@code <key>_W}), which both kinds share, so every scorer, granularity
 * and schedule serves both.
 */
public abstract sealed class Network permits Network.Chain, Network.Graph {

    private Set<String> keepWhole = Set.of();
    private List<PrunableLayer> prunable;
    private final Map<Function<Network, ?>, Object> derived = new HashMap<>();

    public static Network of(MultiLayerNetwork net) {
        return new Chain(net);
    }

    public static Network of(ComputationGraph net) {
        return new Graph(net);
    }

    /** A chain or a graph, whichever {@code model} is. */
    public static Network of(Model model) {
        if (model instanceof MultiLayerNetwork chain) {
            return of(chain);
        }
        if (model instanceof ComputationGraph graph) {
            return of(graph);
        }
        throw new BadInputException("not a network Shears can prune: " + model.getClass().getSimpleName());
    }

    /**
     * Names layers whose output channels structural pruning leaves whole (a flatten boundary, say),
     * besides those the channel analysis finds must stay.
     */
    public Network keepWhole(Set<String> names) {
        keepWhole = Set.copyOf(names);
        derived.clear();
        return this;
    }

    public Set<String> keepWhole() {
        return keepWhole;
    }

    /**
     * What {@code find} makes of this network's structure and {@link #keepWhole()}, found once (and again after
     * keepWhole changes; the structure never does). Kept here, pruning's channel groups are found once per
     * network without the model knowing their type. {@code find} is the key: pass a constant.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Function<Network, T> find) {
        return (T) derived.computeIfAbsent(find, f -> f.apply(this));
    }

    /** The DL4J model underneath, as saved and loaded with {@code ModelSerializer}. */
    public abstract Model model();

    /** The chain underneath, when this is one (the lean training step serves chains only). */
    public Optional<MultiLayerNetwork> chain() {
        return Optional.empty();
    }

    /** What kind of model this is, for tables and messages. */
    public abstract String kind();

    public INDArray getParam(String key) {
        return model().getParam(key);
    }

    public Map<String, INDArray> paramTable() {
        return model().paramTable();
    }

    public INDArray params() {
        return model().params();
    }

    public void setParams(INDArray params) {
        model().setParams(params);
    }

    public long numParams() {
        return model().numParams();
    }

    /** Class probabilities in inference mode. */
    public abstract INDArray output(INDArray features);

    /** One update on a batch. */
    public void fit(DataSet batch) {
        ((NeuralNetwork) model()).fit(batch);
    }

    /**
     * Sets every layer's learning rate. DL4J rebuilds the whole updater for it, which costs a trial
     * more than several training steps, so a rate every updater already has, with no schedule, is
     * left alone: the rebuilt updater would be the same.
     */
    public void setLearningRate(double learningRate) {
        for (org.deeplearning4j.nn.api.Layer layer : layers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base) {
                for (IUpdater updater : new IUpdater[] {base.getIUpdater(), base.getBiasUpdater()}) {
                    if (updater != null && updater.hasLearningRate() && !updater.equals(at(updater, learningRate))) {
                        rebuildUpdater(learningRate);
                        return;
                    }
                }
            }
        }
    }

    /** The network's layers, in DL4J's order. */
    abstract org.deeplearning4j.nn.api.Layer[] layers();

    /** DL4J's own setLearningRate: every layer gets the rate, the updater is rebuilt. */
    abstract void rebuildUpdater(double learningRate);

    /** The updater's flattened state, or null when the network has no updater yet. */
    abstract INDArray updaterState();

    /** DL4J's updater of the whole network (made when missing). */
    public abstract BaseMultiLayerUpdater<?> updater();

    /** Training iterations (updates) so far, as DL4J's updater reads them for Adam's bias correction. */
    public abstract int iterationCount();

    public abstract void iterationCount(int iterations);

    public abstract int epochCount();

    /** The flattened gradient array the layers' gradient views point into, made if the network has none yet. */
    public abstract INDArray gradientArray();

    /** What DL4J's setLearningRate makes of {@code updater}. */
    private static IUpdater at(IUpdater updater, double learningRate) {
        IUpdater set = updater.clone();
        set.setLrAndSchedule(learningRate, null);
        return set;
    }

    /** The batch's raw gradient (summed over examples, as DL4J computes it before its updater). */
    public abstract Gradient gradient(DataSet batch);

    /** Every layer's output after its activation in inference mode, by parameter key. */
    public abstract Map<String, INDArray> activations(INDArray features);

    /** The output layer's input after its preprocessor: what its weights multiply. */
    public abstract INDArray outputLayerInput(INDArray features);

    /**
     * Frees the native memory of the parameters, gradients and updater state now, rather than when
     * the garbage collector finds the arrays (rarely, as a trial allocates little on the heap): the
     * next trial's network then reuses that memory instead of faulting in fresh pages. The network
     * and every view of its arrays must not be used afterwards.
     */
    public void release() {
        for (INDArray a : new INDArray[] {params(), model().getGradientsViewArray(), updaterState()}) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }

    /** Drops inputs, labels and activations DL4J keeps after a pass. */
    public void clear() {
        model().clear();
    }

    public abstract Network copy();

    /** The configuration as DL4J's JSON. */
    public abstract String configurationJson();

    /** The number of input features of one example. */
    public abstract long inputSize();

    /** Every layer with a weight array, in topological order; the structure never changes, so found once. */
    public List<PrunableLayer> prunable() {
        if (prunable == null) {
            prunable = List.copyOf(findPrunable());
        }
        return prunable;
    }

    abstract List<PrunableLayer> findPrunable();

    /** Parameters of the layer with this key, by DL4J's short names ({@code W}, {@code b}, {@code gamma}). */
    public abstract Map<String, INDArray> layerParams(String key);

    static PrunableLayer.Kind kindOf(Layer conf) {
        return conf instanceof ConvolutionLayer ? PrunableLayer.Kind.CONVOLUTION : PrunableLayer.Kind.DENSE;
    }

    static boolean weighted(Layer conf, Map<String, INDArray> params) {
        return params.containsKey("W") && conf instanceof FeedForwardLayer;
    }

    /** A {@link MultiLayerNetwork}: parameter keys are layer indices. */
    public static final class Chain extends Network {

        private final MultiLayerNetwork net;

        Chain(MultiLayerNetwork net) {
            this.net = net;
        }

        @Override
        public MultiLayerNetwork model() {
            return net;
        }

        @Override
        public Optional<MultiLayerNetwork> chain() {
            return Optional.of(net);
        }

        @Override
        public String kind() {
            return "MultiLayerNetwork";
        }

        @Override
        public INDArray output(INDArray features) {
            return net.output(features, false);
        }

        @Override
        org.deeplearning4j.nn.api.Layer[] layers() {
            return net.getLayers();
        }

        @Override
        void rebuildUpdater(double learningRate) {
            net.setLearningRate(learningRate);
        }

        @Override
        INDArray updaterState() {
            return net.getUpdater(false) == null ? null : net.getUpdater(false).getStateViewArray();
        }

        @Override
        public BaseMultiLayerUpdater<?> updater() {
            return (BaseMultiLayerUpdater<?>) net.getUpdater();
        }

        @Override
        public int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        public void iterationCount(int iterations) {
            net.setIterationCount(iterations);
        }

        @Override
        public int epochCount() {
            return net.getEpochCount();
        }

        @Override
        public INDArray gradientArray() {
            if (net.getFlattenedGradients() == null) {
                net.initGradientsView();
            }
            return net.getFlattenedGradients();
        }

        @Override
        public Gradient gradient(DataSet batch) {
            net.setInput(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
            return net.gradient();
        }

        @Override
        public Map<String, INDArray> activations(INDArray features) {
            List<INDArray> acts = net.feedForward(features, false);
            Map<String, INDArray> out = new HashMap<>();
            for (int i = 1; i < acts.size(); i++) {
                out.put(String.valueOf(i - 1), acts.get(i));
            }
            return out;
        }

        @Override
        public INDArray outputLayerInput(INDArray features) {
            int last = net.getnLayers() - 1;
            INDArray in = net.feedForward(features, false).get(last);
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(last);
            return pre == null ? in : pre.preProcess(in, (int) in.size(0), LayerWorkspaceMgr.noWorkspaces());
        }

        @Override
        public Network copy() {
            return new Chain(net.clone()).keepWhole(keepWhole());
        }

        @Override
        public String configurationJson() {
            return net.getLayerWiseConfigurations().toJson();
        }

        @Override
        public long inputSize() {
            // a chain built for flat image rows reads its first layer's input through this preprocessor
            if (net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor image) {
                return image.getInputHeight() * image.getInputWidth() * image.getNumChannels();
            }
            return net.layerInputSize(0);
        }

        @Override
        List<PrunableLayer> findPrunable() {
            List<PrunableLayer> out = new ArrayList<>();
            int n = net.getnLayers();
            for (int i = 0; i < n; i++) {
                Layer conf = net.getLayer(i).conf().getLayer();
                if (weighted(conf, net.getLayer(i).paramTable())) {
                    String name = conf.getLayerName() == null ? String.valueOf(i) : conf.getLayerName();
                    out.add(new PrunableLayer(i, String.valueOf(i), name, kindOf(conf), i == n - 1));
                }
            }
            return out;
        }

        @Override
        public Map<String, INDArray> layerParams(String key) {
            return net.getLayer(Integer.parseInt(key)).paramTable();
        }
    }

    /** A {@link ComputationGraph} with one input and one output: parameter keys are vertex names. */
    public static final class Graph extends Network {

        private final ComputationGraph net;

        Graph(ComputationGraph net) {
            ComputationGraphConfiguration conf = net.getConfiguration();
            if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
                throw new BadInputException("a computation graph must have one input and one output to be pruned here; "
                        + "this one has inputs " + conf.getNetworkInputs() + " and outputs " + conf.getNetworkOutputs());
            }
            this.net = net;
        }

        @Override
        public ComputationGraph model() {
            return net;
        }

        @Override
        public String kind() {
            return "ComputationGraph";
        }

        @Override
        public INDArray output(INDArray features) {
            return net.outputSingle(false, features);
        }

        @Override
        org.deeplearning4j.nn.api.Layer[] layers() {
            return net.getLayers();
        }

        @Override
        void rebuildUpdater(double learningRate) {
            net.setLearningRate(learningRate);
        }

        @Override
        INDArray updaterState() {
            return net.getUpdater(false) == null ? null : net.getUpdater(false).getStateViewArray();
        }

        @Override
        public BaseMultiLayerUpdater<?> updater() {
            return net.getUpdater();
        }

        @Override
        public int iterationCount() {
            return net.getIterationCount();
        }

        @Override
        public void iterationCount(int iterations) {
            net.getConfiguration().setIterationCount(iterations);
        }

        @Override
        public int epochCount() {
            return net.getEpochCount();
        }

        @Override
        public INDArray gradientArray() {
            if (net.getFlattenedGradients() == null) {
                net.initGradientsView();
            }
            return net.getFlattenedGradients();
        }

        @Override
        public Gradient gradient(DataSet batch) {
            net.setInputs(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.computeGradientAndScore();
            return net.gradient();
        }

        @Override
        public Map<String, INDArray> activations(INDArray features) {
            Map<String, INDArray> all = net.feedForward(features, false);
            Map<String, INDArray> out = new HashMap<>();
            for (PrunableLayer l : prunable()) {
                out.put(l.key(), all.get(l.key()));
            }
            return out;
        }

        @Override
        public INDArray outputLayerInput(INDArray features) {
            String output = outputName();
            String from = net.getConfiguration().getVertexInputs().get(output).get(0);
            INDArray in = net.feedForward(features, false).get(from);
            GraphVertex vertex = net.getConfiguration().getVertices().get(output);
            InputPreProcessor pre = vertex instanceof LayerVertex lv ? lv.getPreProcessor() : null;
            return pre == null ? in : pre.preProcess(in, (int) in.size(0), LayerWorkspaceMgr.noWorkspaces());
        }

        private String outputName() {
            return net.getConfiguration().getNetworkOutputs().get(0);
        }

        @Override
        public Network copy() {
            return new Graph(net.clone()).keepWhole(keepWhole());
        }

        @Override
        public String configurationJson() {
            return net.getConfiguration().toJson();
        }

        /** From the first layer that reads the input: its flat-to-image preprocessor, or its inputs. */
        @Override
        public long inputSize() {
            String input = net.getConfiguration().getNetworkInputs().get(0);
            for (Map.Entry<String, List<String>> e : net.getConfiguration().getVertexInputs().entrySet()) {
                GraphVertex vertex = net.getConfiguration().getVertices().get(e.getKey());
                if (!e.getValue().contains(input) || !(vertex instanceof LayerVertex lv)) {
                    continue;
                }
                if (lv.getPreProcessor() instanceof FeedForwardToCnnPreProcessor image) {
                    return image.getInputHeight() * image.getInputWidth() * image.getNumChannels();
                }
                if (lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff) {
                    return ff.getNIn();
                }
            }
            throw new BadInputException("cannot tell how many features the computation graph takes: no layer that "
                    + "reads its input is dense or takes flat rows as images (InputType.convolutionalFlat)");
        }

        @Override
        List<PrunableLayer> findPrunable() {
            List<PrunableLayer> out = new ArrayList<>();
            String output = outputName();
            int[] order = net.topologicalSortOrder();
            org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = net.getVertices();
            int position = 0;
            for (int v : order) {
                org.deeplearning4j.nn.graph.vertex.GraphVertex vertex = vertices[v];
                if (!vertex.hasLayer()) {
                    continue;
                }
                Layer conf = vertex.getLayer().conf().getLayer();
                if (weighted(conf, vertex.getLayer().paramTable())) {
                    String name = vertex.getVertexName();
                    out.add(new PrunableLayer(position, name, name, kindOf(conf), name.equals(output)));
                }
                position++;
            }
            return out;
        }

        @Override
        public Map<String, INDArray> layerParams(String key) {
            return net.getLayer(key).paramTable();
        }
    }
}
