#!/usr/bin/python3
"""The PyTorch peer of `shears bench peer`: the same pruning candidates as a plain PyTorch program.

    /usr/bin/python3 submit-scripts/peer/torch_peer.py JOB.json RESULT.json

JOB.json (written by `shears bench peer`) names the data (gzipped IDX files), the split sizes, the
MLP and its training settings, the candidates, the worker processes and the warm-up. The script
reads the data, trains the dense MLP once (untimed), then prunes and fine-tunes each candidate
with torch.nn.utils.prune in a pool of worker processes, one thread each, and writes the timing
and every candidate's accuracy to RESULT.json. Needs Debian's python3-torch (with
libopenblas0-pthread, or torch falls back to the slow reference BLAS).
"""
import os

# before torch loads: one BLAS and one OpenMP thread per process, or the workers oversubscribe the cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import gzip
import json
import multiprocessing
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

# how Shears' scorers and granularities map onto torch.nn.utils.prune
METHODS = {"magnitude": prune.L1Unstructured, "random": prune.RandomUnstructured}

# filled in the parent before the pool forks, so every worker shares them without copying
DATA = {}
BASE = {}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data):
    folder = data["dir"]
    train_x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))
    train_y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))
    test_x = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    test_y = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"))
    if data["trainLimit"] > 0:
        train_x, train_y = train_x[:data["trainLimit"]], train_y[:data["trainLimit"]]
    if data["testLimit"] > 0:
        test_x, test_y = test_x[:data["testLimit"]], test_y[:data["testLimit"]]
    # the same split sizes as Shears: a seeded share of the training rows held out for validation
    order = np.random.RandomState(data["seed"]).permutation(len(train_y))
    held = int(round(len(train_y) * data["validationFraction"]))

    def tensors(x, y):
        return (torch.from_numpy(x.reshape(len(y), -1).astype(np.float32) / 255.0),
                torch.from_numpy(y.astype(np.int64)))

    return {"train": tensors(train_x[order[held:]], train_y[order[held:]]),
            "validation": tensors(train_x[order[:held]], train_y[order[:held]]),
            "test": tensors(test_x, test_y)}


def mlp(widths):
    """ReLU hidden layers and a softmax output (in the loss), initialised as Shears' MLP: He for hidden, Xavier out."""
    layers = []
    for i in range(len(widths) - 1):
        linear = nn.Linear(widths[i], widths[i + 1])
        last = i == len(widths) - 2
        if last:
            nn.init.xavier_normal_(linear.weight)
        else:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if not last:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def fit(model, data, epochs, learning_rate, batch_size, seed):
    x, y = data
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator)
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def evaluate(model, data):
    x, y = data
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return (logits.argmax(dim=1) == y).float().mean().item(), F.cross_entropy(logits, y).item()


def linear_layers(model):
    return [m for m in model if isinstance(m, nn.Linear)]


def mapping(candidate):
    """The torch method for a candidate, and a note for each part of it torch has no equivalent of."""
    notes = []
    method = METHODS.get(candidate["scorer"])
    if method is None:
        notes.append("scorer %s has no torch equivalent: magnitude (l1_unstructured)" % candidate["scorer"])
        method = prune.L1Unstructured
    if candidate["granularity"] != "weight":
        notes.append("granularity %s: pruned as single weights" % candidate["granularity"])
    if candidate["schedule"] != "oneshot":
        notes.append("schedule %s: one-shot" % candidate["schedule"])
    if candidate["layers"] not in ("all", "hidden"):
        notes.append("layers %s: all" % candidate["layers"])
    if candidate["scope"] not in ("layerwise", "global"):
        notes.append("scope %s: layerwise" % candidate["scope"])
    return method, notes


def prune_model(model, candidate):
    method, _ = mapping(candidate)
    layers = linear_layers(model)
    if candidate["layers"] == "hidden":
        layers = layers[:-1]
    ratio = candidate["ratio"]
    if candidate["scope"] == "global":
        prune.global_unstructured([(m, "weight") for m in layers], pruning_method=method, amount=ratio)
    else:
        for m in layers:
            method.apply(m, "weight", amount=ratio)
    return layers


def run(task):
    index, candidate = task
    start = time.perf_counter()
    cpu = time.process_time()
    torch.manual_seed(BASE["seed"] + 1 + index)
    model = mlp(BASE["widths"])
    model.load_state_dict(BASE["state"])
    layers = prune_model(model, candidate)
    # the pruning mask is held during fine-tuning: torch applies weight_orig * mask on every forward pass
    fit(model, DATA["train"], candidate["epochs"], candidate["learningRate"], BASE["batchSize"], BASE["seed"] + index)
    accuracy, loss = evaluate(model, DATA["test"])
    validation, _ = evaluate(model, DATA["validation"])
    zeros = sum(int((m.weight == 0).sum()) for m in layers)
    total = sum(m.weight.numel() for m in layers)
    return {"candidate": candidate["id"], "accuracy": accuracy, "loss": loss, "val_accuracy": validation,
            "sparsity": zeros / total, "seconds": time.perf_counter() - start, "cpuSeconds": time.process_time() - cpu}


def main(job_path, result_path):
    with open(job_path) as f:
        job = json.load(f)
    torch.set_num_threads(1)
    torch.manual_seed(job["data"]["seed"])
    DATA.update(load(job["data"]))
    model = job["model"]
    widths = [DATA["train"][0].shape[1]] + model["hidden"] + [job["data"]["numClasses"]]
    base = mlp(widths)
    t0 = time.perf_counter()
    fit(base, DATA["train"], model["epochs"], model["learningRate"], model["batchSize"], job["data"]["seed"])
    base_seconds = time.perf_counter() - t0
    base_accuracy, _ = evaluate(base, DATA["test"])
    base_validation, _ = evaluate(base, DATA["validation"])
    BASE.update(state=base.state_dict(), widths=widths, seed=job["data"]["seed"], batchSize=job["batchSize"])
    print("peer: torch %s, %d training, %d validation, %d test rows; base MLP %s trained in %.1f s, test accuracy %.4f"
          % (torch.__version__, len(DATA["train"][1]), len(DATA["validation"][1]), len(DATA["test"][1]),
             "-".join(map(str, widths)), base_seconds, base_accuracy), flush=True)

    candidates = job["candidates"]
    notes = {c["id"]: mapping(c)[1] for c in candidates}
    mapped = [c for c in candidates if notes[c["id"]]]
    print("peer: %d candidates, %d with no torch equivalent%s" % (len(candidates), len(mapped), ":" if mapped else ""),
          flush=True)
    for c in mapped:
        print("  %s: %s" % (c["id"], "; ".join(notes[c["id"]])), flush=True)

    tasks = list(enumerate(candidates))
    # fork: the workers inherit the data and the base model, as Shears' executors cache theirs
    with multiprocessing.get_context("fork").Pool(job["workers"]) as pool:
        pool.map(run, tasks[:job["warmUp"]], chunksize=1)
        t0 = time.perf_counter()
        results = pool.map(run, tasks, chunksize=1)
        seconds = time.perf_counter() - t0
    print("peer: %d candidates in %.1f s with %d worker processes x 1 thread" % (len(results), seconds, job["workers"]),
          flush=True)
    with open(result_path, "w") as f:
        json.dump({"torch": torch.__version__, "workers": job["workers"], "seconds": seconds,
                   "base": {"accuracy": base_accuracy, "val_accuracy": base_validation, "seconds": base_seconds},
                   "candidates": results, "notes": notes}, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: torch_peer.py JOB.json RESULT.json")
    main(sys.argv[1], sys.argv[2])
