#!/usr/bin/python3
"""The PyTorch peer of `shears bench peer`: the same pruning candidates as a plain PyTorch program.

    /usr/bin/python3 benchmarks/peer/torch_peer.py JOB.json RESULT.json

JOB.json (written by `shears bench peer`) names the data (gzipped IDX files), the split sizes, the
network (an MLP, LeNet-5 or resnet-small) and its training settings, the candidates, the worker processes and the
warm-up. The script reads the data, trains the base network once (untimed for the ratio; its epochs
are timed on this process's one thread), then prunes and fine-tunes each candidate with
torch.nn.utils.prune in a pool of worker processes, one thread each, and writes the timing and
every candidate's accuracy to RESULT.json. Needs Debian's python3-torch (with
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
# filters (a convolution's output channels) by the norm of their weights, as ln_structured ranks them
STRUCTURED_NORMS = {"l2": 2, "magnitude": 1}

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


def lenet5(shape, classes):
    """Shears' LeNet-5 (CnnFactory.lenet5): 5x5 convolutions of 6 filters (padded to keep the input's size) and
    16 (valid), each with ReLU and 2x2 max pooling, dense 120 and 84 with ReLU, softmax output (in the loss); He
    initialisation, Xavier out."""
    height, width, channels = shape
    side_h, side_w = (height // 2 - 4) // 2, (width // 2 - 4) // 2
    layers = [nn.Unflatten(1, (channels, height, width)),
              nn.Conv2d(channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
              nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
              nn.Linear(16 * side_h * side_w, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes)]
    for m in layers:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if m is layers[-1]:
                nn.init.xavier_normal_(m.weight)
            else:
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return nn.Sequential(*layers)


class ResNetSmall(nn.Module):
    """Shears' resnet-small (ResNetFactory): 3x3 convolutions padded to keep the size, each followed by batch
    normalisation; an identity block of 8 filters, a downsampling block of 16 with a 1x1 projection, a 1x1 (8) and
    a 3x3 (12) branch concatenated, global average pooling and a softmax output (in the loss)."""

    def __init__(self, shape, classes):
        super().__init__()
        height, width, channels = shape
        self.channels, self.height, self.width = channels, height, width

        def conv(c_in, c_out, kernel, stride=1):
            return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, stride, padding=kernel // 2), nn.BatchNorm2d(c_out))

        self.stem = conv(channels, 8, 3)
        self.b1_conv1, self.b1_conv2 = conv(8, 8, 3), conv(8, 8, 3)
        self.b2_conv1, self.b2_conv2, self.b2_proj = conv(8, 16, 3, 2), conv(16, 16, 3), conv(8, 16, 1, 2)
        self.b3_a, self.b3_b = conv(16, 8, 1), conv(16, 12, 3)
        self.output = nn.Linear(20, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        nn.init.xavier_normal_(self.output.weight)
        nn.init.zeros_(self.output.bias)

    def forward(self, x):
        x = x.view(-1, self.channels, self.height, self.width)
        stem = F.relu(self.stem(x))
        block1 = F.relu(self.b1_conv2(F.relu(self.b1_conv1(stem))) + stem)
        block2 = F.relu(self.b2_conv2(F.relu(self.b2_conv1(block1))) + self.b2_proj(block1))
        merged = torch.cat([F.relu(self.b3_a(block2)), F.relu(self.b3_b(block2))], dim=1)
        return self.output(merged.mean(dim=(2, 3)))


def build(spec):
    if spec["architecture"] == "lenet5":
        return lenet5(spec["shape"], spec["classes"])
    if spec["architecture"] == "resnet-small":
        return ResNetSmall(spec["shape"], spec["classes"])
    return mlp(spec["widths"])


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
    """Trains in place; returns each epoch's seconds."""
    x, y = data
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    seconds = []
    for _ in range(epochs):
        start_time = time.perf_counter()
        order = torch.randperm(len(y), generator=generator)
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start_time)
    return seconds


def evaluate(model, data, batch=1000):
    """Accuracy and mean cross-entropy, in batches of 1,000 rows (one batch of every row is far slower for CNNs)."""
    x, y = data
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for start in range(0, len(y), batch):
            logits = model(x[start:start + batch])
            correct += int((logits.argmax(dim=1) == y[start:start + batch]).sum())
            loss += float(F.cross_entropy(logits, y[start:start + batch], reduction="sum"))
    return correct / len(y), loss / len(y)


def weight_layers(model):
    return [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def mapping(candidate):
    """The torch method for a candidate, and a note for each part of it torch has no equivalent of."""
    notes = []
    if candidate["granularity"] == "filter":
        if candidate["scorer"] not in STRUCTURED_NORMS:
            notes.append("scorer %s on filters has no torch equivalent: L2 norm (ln_structured)" % candidate["scorer"])
        if candidate["scope"] != "layerwise":
            notes.append("scope %s on filters: layerwise" % candidate["scope"])
        return "filter", notes
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
    layers = weight_layers(model)
    if candidate["layers"] == "hidden":
        layers = layers[:-1]
    ratio = candidate["ratio"]
    if method == "filter":
        # Shears' filter granularity prunes convolutions only; each layer's weakest filters, masked
        layers = [m for m in layers if isinstance(m, nn.Conv2d)]
        for m in layers:
            prune.ln_structured(m, "weight", amount=ratio, n=STRUCTURED_NORMS.get(candidate["scorer"], 2), dim=0)
    elif candidate["scope"] == "global":
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
    model = build(BASE["spec"])
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
    spec = {"architecture": model.get("architecture", "mlp"), "shape": model.get("shape"),
            "classes": job["data"]["numClasses"],
            "widths": [DATA["train"][0].shape[1]] + (model.get("hidden") or []) + [job["data"]["numClasses"]]}
    base = build(spec)
    epoch_seconds = fit(base, DATA["train"], model["epochs"], model["learningRate"], model["batchSize"], job["data"]["seed"])
    base_seconds = sum(epoch_seconds)
    base_accuracy, _ = evaluate(base, DATA["test"])
    base_validation, _ = evaluate(base, DATA["validation"])
    BASE.update(state=base.state_dict(), spec=spec, seed=job["data"]["seed"], batchSize=job["batchSize"])
    name = {"lenet5": "LeNet-5", "resnet-small": "resnet-small"}.get(spec["architecture"],
                                                                  "MLP " + "-".join(map(str, spec["widths"])))
    print("peer: torch %s, %d training, %d validation, %d test rows; base %s trained in %.1f s (epochs %s s), "
          "test accuracy %.4f" % (torch.__version__, len(DATA["train"][1]), len(DATA["validation"][1]),
                                  len(DATA["test"][1]), name, base_seconds,
                                  ", ".join("%.2f" % e for e in epoch_seconds), base_accuracy), flush=True)

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
                   "base": {"accuracy": base_accuracy, "val_accuracy": base_validation, "seconds": base_seconds,
                            "epochSeconds": epoch_seconds},
                   "candidates": results, "notes": notes}, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: torch_peer.py JOB.json RESULT.json")
    main(sys.argv[1], sys.argv[2])
