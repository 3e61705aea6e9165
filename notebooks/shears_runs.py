"""Reading Shears runs for the notebooks beside this file.

Everything read is asserted to be there, so a renamed file or column stops a notebook with a message
instead of drawing an empty chart; notebooks/run-all.sh (and CI after the tests) relies on that.
"""
import json
import os
from pathlib import Path

import pandas as pd

FILES = ["results.csv", "results.json", "pareto.csv", "run.json"]
# the columns of results.csv the notebooks read (README, "The table")
COLUMNS = ["rank", "candidate", "scorer", "granularity", "scope", "layers", "schedule", "target_sparsity",
           "sparsity", "compression", "accuracy", "val_accuracy", "val_accuracy_drop", "status",
           "meets_tolerance", "pareto"]
# what a candidate is across runs: the method columns changes.csv matches candidates by; compare-runs.ipynb
# checks this list against changes.csv's header, so a new method column fails it until added here
IDENTITY = ["scorer", "granularity", "scope", "layers", "schedule", "target_sparsity", "epochs", "learning_rate",
            "min_units", "round_to", "normalizer", "initial_sparsity", "ramp_fraction", "prune_every", "adaptive_step",
            "distill_alpha", "distill_temperature", "quantize", "shrink", "group_score", "keep_whole", "rate_schedule",
            "rate_hold", "augment_shift", "augment_mirror", "layer_ratios"]


def folder(variable, default):
    """The folder the environment variable names (relative paths from this folder), else the default."""
    path = Path(os.environ.get(variable, default)).expanduser().resolve()
    assert path.is_dir(), f"{variable}={path}: no such folder (set {variable} to the --out of a search)"
    return path


class Run:
    """One search's outputs: `table` (results.csv), `rows` (results.json, by candidate) and `info` (run.json)."""

    def __init__(self, path):
        self.path = Path(path)
        missing = [f for f in FILES if not (self.path / f).is_file()]
        assert not missing, f"{self.path} is not a finished Shears run: no {', '.join(missing)}"
        self.table = pd.read_csv(self.path / "results.csv")
        missing = [c for c in COLUMNS if c not in self.table.columns]
        assert not missing, f"{self.path / 'results.csv'} has no column {', '.join(missing)}"
        self.rows = {r["candidate"]: r for r in json.loads((self.path / "results.json").read_text())}
        assert list(self.rows) == list(self.table.candidate), "results.json and results.csv hold other candidates"
        self.info = json.loads((self.path / "run.json").read_text())
        # pareto.csv holds the rows on either front: accuracy against compression, and (when timed) against latency
        fronts = set(pd.read_csv(self.path / "pareto.csv").candidate)
        on_a_front = self.table.pareto.copy()
        if "pareto_latency" in self.table.columns:
            on_a_front |= self.table.pareto_latency.fillna(False).astype(bool)
        assert fronts == set(self.table[on_a_front].candidate), "pareto.csv and the pareto columns disagree"

    def ok(self):
        """The successful rows, the base included."""
        return self.table[self.table.status == "OK"]

    def candidates(self):
        """The successful rows without the base."""
        ok = self.ok()
        return ok[ok.candidate != "base"]

    def front(self):
        """The Pareto front, least compressed first."""
        return self.table[self.table.pareto].sort_values("compression")

    def best(self):
        """run.json's best (chosen on validation within the tolerance), or None."""
        return self.info.get("best")

    def layer_sparsity(self, candidates):
        """Share of zero weights per layer (rows) of each candidate (columns), from results.json."""
        sparsity = {c: self.rows[c].get("layer_sparsity") for c in candidates}
        empty = [c for c, layers in sparsity.items() if not layers]
        assert not empty, f"results.json has no layer_sparsity for {', '.join(empty)}"
        return pd.DataFrame(sparsity)

    def identity(self):
        """Each candidate's method as one text, indexed by candidate: the cells as results.csv writes them
        (a method column a run lacks is empty, as changes.csv shows it)."""
        text = pd.read_csv(self.path / "results.csv", dtype=str, keep_default_na=False)
        cells = text.reindex(columns=IDENTITY, fill_value="")
        return pd.Series(cells.agg("|".join, axis=1).values, index=text.candidate)


def tradeoff(ax, run, group=None, color=None, label=None):
    """Validation accuracy against compression (log): the candidates, coloured by the column `group` or
    all in `color`, the base as a star and the Pareto front as a line."""
    rows = run.candidates()
    for name, part in rows.groupby(group) if group else [(label, rows)]:
        ax.scatter(part.compression, part.val_accuracy, alpha=0.7, color=None if group else color, label=name)
    base = run.ok()[run.ok().candidate == "base"]
    ax.scatter(base.compression, base.val_accuracy, marker="*", s=200, color=color or "black",
               label=f"{label} base" if label else "base")
    front = run.front()
    ax.plot(front.compression, front.val_accuracy, color=color or "gray", linewidth=1,
            label=f"{label} Pareto front" if label else "Pareto front")
    ax.set_xscale("log")
    ax.set_xlabel("compression (base parameters / non-zero parameters)")
    ax.set_ylabel("validation accuracy (the split that chooses)")
    ax.legend(fontsize="small")
