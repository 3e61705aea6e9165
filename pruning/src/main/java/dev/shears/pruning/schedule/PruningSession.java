package dev.shears.pruning.schedule;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.KeptUnits;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.prune.Pruner;
import dev.shears.pruning.prune.Scope;
import dev.shears.pruning.prune.Scorers;
import dev.shears.pruning.prune.ScoringContext;
import dev.shears.pruning.train.ComputePath;
import dev.shears.pruning.train.Distillation;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.pruning.train.Trainer;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The network being pruned for one candidate, and the operations schedules combine. */
public final class PruningSession {

    /** The network's parameters, masks and ratio at one moment, to return to. */
    public record Checkpoint(INDArray params, MaskSet masks, double ratio) {
    }

    private final Network net;
    private final PruningPlan plan;
    private final PlanOptions options;
    private final DataSplits data;
    private final List<PrunableLayer> layers;
    private final Pruner pruner;
    private final ScoringContext context;
    private final Network teacher;
    private final FineTuner tuner;
    private MaskSet masks;
    private float[] distillTargets;
    private int epochsSpent;
    private double currentRatio;

    /** @param masks masks already in force (a continued candidate's), or an empty set */
    public PruningSession(Network net, PruningPlan plan, DataSplits data, MaskSet masks) {
        this(net, plan, data, masks, null);
    }

    /**
     * @param teacher the model fine-tuning distils from when {@code options.distillAlpha} is set
     *                (ignored otherwise); null means the network as it is now, before this session prunes it
     */
    public PruningSession(Network net, PruningPlan plan, DataSplits data, MaskSet masks,
                          Network teacher) {
        this(net, plan, data, masks, teacher, FineTuner.LOCAL);
    }

    /** @param tuner how fine-tuning runs: in this JVM, or data-parallel */
    public PruningSession(Network net, PruningPlan plan, DataSplits data, MaskSet masks,
                          Network teacher, FineTuner tuner) {
        this.tuner = tuner;
        this.net = net;
        this.plan = plan;
        this.options = PlanOptions.of(plan);
        this.data = data;
        net.keepWhole(options.keepWhole());
        this.layers = Layers.select(net, plan.layers());
        this.pruner = new Pruner(Scorers.create(plan.scorer()), Granularities.create(plan.granularity()),
                Scope.of(plan.scope()), plan.layerRatios(), new KeptUnits(options.minUnits(), options.roundTo()),
                plan.ratio(), options.normalizer(), options.groupReduce());
        this.context = new ScoringContext(net, data.train(), plan.calibrationBatches(), plan.batchSize(), plan.seed(),
                batch -> ComputePath.of(net).gradient(net, batch),
                features -> ComputePath.of(net).activations(net, features));
        if (options.augment().on() && data.train().shape().length != 3) {
            throw new BadInputException("options." + PlanOptions.AUGMENT_SHIFT + "/" + PlanOptions.AUGMENT_MIRROR
                    + ": augmentation needs image rows, these are vectors of " + data.train().width());
        }
        this.masks = masks;
        this.teacher = !options.distill() ? null : teacher == null ? net.copy() : teacher;
    }

    public Network net() {
        return net;
    }

    public PruningPlan plan() {
        return plan;
    }

    public PlanOptions options() {
        return options;
    }

    public DataSplits data() {
        return data;
    }

    public List<PrunableLayer> layers() {
        return layers;
    }

    public MaskSet masks() {
        return masks;
    }

    public int epochsSpent() {
        return epochsSpent;
    }

    /** The ratio of the last pruning step (for N:M, its fixed sparsity). */
    public double currentRatio() {
        return currentRatio;
    }

    /** Prunes the selected layers up to {@code ratio} (weights pruned earlier stay pruned). */
    public void pruneTo(double ratio) {
        pruner.prune(layers, ratio, context, masks);
        currentRatio = pruner.granularity().effectiveRatio(ratio);
    }

    /** Fine-tunes for the plan's epochs a network pruned to {@code ratio} before this session. */
    public void continueAt(double ratio) {
        currentRatio = pruner.granularity().effectiveRatio(ratio);
        finetune(plan.epochs(), null);
    }

    /** Mini-batch updates that {@code epochs} of fine-tuning make. */
    public long finetuneSteps(int epochs) {
        return epochs * Trainer.stepsPerEpoch(data.train(), plan.batchSize());
    }

    /**
     * Fine-tunes on the training split with the masks re-applied after every update, on the
     * teacher's mixed targets when distillation is on; one phase of the plan's rate schedule, on
     * augmented images when the plan asks for them. The hook sees the phase's steps counted across
     * its epochs.
     */
    public void finetune(int epochs, Trainer.StepHook hook) {
        if (epochs <= 0) {
            return;
        }
        RateSchedule schedule = options.rateSchedule();
        ImageAugment augment = options.augment();
        if (schedule == RateSchedule.CONSTANT && !augment.on()) {
            tuner.fit(net, data.train(), distillTargets(), epochs, plan.batchSize(), plan.learningRate(),
                    plan.seed() + epochsSpent, masks, hook);
        } else {
            // an epoch per call, each at its rate and on its own draw of images (the updater's state carries over)
            long perEpoch = finetuneSteps(1);
            for (int e = 0; e < epochs; e++) {
                long before = e * perEpoch;
                long epochSeed = plan.seed() + epochsSpent + e;
                Trainer.StepHook phaseHook = hook == null ? null
                        : (step, total) -> hook.afterStep(before + step, epochs * perEpoch);
                LabeledData rows = augment.apply(data.train(), epochSeed * 1_000_003L);
                // the teacher's soft targets are for the images the student sees
                float[] targets = !augment.on() || teacher == null ? distillTargets()
                        : Distillation.targets(teacher, rows, options.distillAlpha(), options.distillTemperature());
                double rate = schedule.rate(plan.learningRate(), e, epochs, options.rateHold());
                tuner.fit(net, rows, targets, 1, plan.batchSize(), rate, epochSeed, masks, phaseHook);
            }
        }
        epochsSpent += epochs;
        context.invalidate();
    }

    /** The fine-tuning targets distillation uses, or null when it is off. */
    public float[] distillTargets() {
        if (teacher != null && distillTargets == null) {
            distillTargets = Distillation.targets(teacher, data.train(), options.distillAlpha(),
                    options.distillTemperature());
        }
        return distillTargets;
    }

    /**
     * The network's score on the validation split (the training split when there is none; the test split is kept
     * for the final table), with the rows it got right.
     */
    public Evaluator.Score validationScore() {
        return tuner.evaluate(net, checkRows());
    }

    /** How many rows {@link #validationScore} scores on. */
    public int validationRows() {
        return checkRows().size();
    }

    private LabeledData checkRows() {
        return data.validation().size() > 0 ? data.validation() : data.train();
    }

    public Checkpoint checkpoint() {
        return new Checkpoint(net.params().dup(), masks.copy(), currentRatio);
    }

    /** Returns the network, masks and ratio to a checkpoint (the updater's state is not restored). */
    public void restore(Checkpoint checkpoint) {
        net.setParams(checkpoint.params().dup());
        masks = checkpoint.masks().copy();
        currentRatio = checkpoint.ratio();
        context.invalidate();
    }
}
