package dev.shears.pruning.schedule;

/** Prune to the target once, then fine-tune with the mask held. */
public final class OneShotSchedule implements PruningSchedule {

    @Override
    public String name() {
        return "oneshot";
    }

    @Override
    public void run(PruningSession session) {
        session.pruneTo(session.plan().ratio());
        session.finetune(session.plan().epochs(), null);
    }
}
