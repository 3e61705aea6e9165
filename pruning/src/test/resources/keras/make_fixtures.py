"""Writes the small Keras models the Keras-import tests read, and the outputs they must give.

TensorFlow is not needed: each .h5 file is written with h5py in the layout Keras 2 / tf.keras 2.x
`model.save('x.h5')` writes (root attributes model_config, training_config, keras_version and backend;
a model_weights group with one group per layer, its weight_names attribute and its datasets under
<layer>/<layer>/kernel:0 and bias:0). Each model's expected outputs for a few inputs are computed here
with numpy from the same weights and written beside it as <name>.expected.json.

  mlp.h5         Sequential 16-32-16-4 (ReLU, softmax), trained here on the Gaussian blobs the
                 spark-jobs tests generate (TestData.blobsCsv: 16 features, 4 classes)
  cnn.h5         Sequential Conv2D(4, 3x3) - MaxPooling2D(2x2) - Flatten - Dense(4, softmax) on 8x8x1 images
  functional.h5  functional model: input 16 -> two Dense(8) branches -> Add -> Dense(4, softmax)
  softmax_activation.h5  Sequential Dense(8, relu) - Dense(4) - Activation(softmax) on 16 inputs
  keras3.h5      a Sequential model in this layout marked keras_version 3.3.3 (Keras 3 writes it for .h5)
  plain.h5       an HDF5 file that is not a Keras model (one dataset)

Run from the repository root with Debian's h5py and numpy (apt-get install python3-h5py python3-numpy):

  /usr/bin/python3 pruning/src/test/resources/keras/make_fixtures.py

It was run with Python 3.11, h5py 3.7.0 and numpy 1.24.2; the output is the same on every run.
"""
import json
import math
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KERAS_VERSION = "2.11.0"
FEATURES, CLASSES = 16, 4


class JavaRandom:
    """java.util.Random, so the blob centres are those of TestData.blobsCsv (its new Random(1234))."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
        self.spare = None

    def _next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        return self.seed >> (48 - bits)  # below 2 ** 31 for the 26 and 27 bits used here, as Java's int

    def next_double(self):
        return ((self._next(26) << 27) + self._next(27)) * 2.0 ** -53

    def next_gaussian(self):
        if self.spare is not None:
            g, self.spare = self.spare, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.spare = v2 * m
        return v1 * m


def blobs(rows, rng):
    r = JavaRandom(1234)
    centres = np.array([[r.next_gaussian() * 1.5 for _ in range(FEATURES)] for _ in range(CLASSES)])
    y = rng.integers(0, CLASSES, rows)
    return (centres[y] + rng.standard_normal((rows, FEATURES))).astype(np.float32), y


def relu(x):
    return np.maximum(x, 0)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def train_mlp(rng):
    """Full-batch gradient descent on softmax cross-entropy: enough for a base model well above chance."""
    x, y = blobs(2000, rng)
    sizes = [FEATURES, 32, 16, CLASSES]
    ws = [(rng.standard_normal((a, b)) * math.sqrt(2 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    onehot = np.eye(CLASSES)[y]
    for _ in range(300):
        acts = [x]
        for i, (w, b) in enumerate(zip(ws, bs)):
            z = acts[-1] @ w + b
            acts.append(softmax(z) if i == len(ws) - 1 else relu(z))
        grad = (acts[-1] - onehot) / len(x)
        for i in reversed(range(len(ws))):
            gw, gb = acts[i].T @ grad, grad.sum(axis=0)
            if i > 0:
                grad = (grad @ ws[i].T) * (acts[i] > 0)
            ws[i] -= 0.5 * gw.astype(np.float32)
            bs[i] -= 0.5 * gb.astype(np.float32)
    return ws, bs


def dense_config(name, units, activation, input_dim=None):
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": activation,
              "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
              "kernel_constraint": None, "bias_constraint": None}
    if input_dim is not None:
        config["batch_input_shape"] = [None, input_dim]
    return {"class_name": "Dense", "config": config}


def input_config(name, shape):
    return {"class_name": "InputLayer",
            "config": {"batch_input_shape": [None] + shape, "dtype": "float32", "sparse": False,
                       "ragged": False, "name": name}}


TRAINING_CONFIG = {"loss": "categorical_crossentropy", "metrics": [["accuracy"]], "weighted_metrics": None,
                   "loss_weights": None,
                   "optimizer_config": {"class_name": "Adam", "config": {
                       "name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
                       "epsilon": 1e-07, "amsgrad": False}}}


def save(name, model_config, weights, keras_version=KERAS_VERSION):
    """weights: (layer name, {'kernel': array, 'bias': array}) for every layer, in model order."""
    with h5py.File(os.path.join(HERE, name), "w") as f:
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = keras_version.encode()
        f.attrs["model_config"] = json.dumps(model_config).encode()
        f.attrs["training_config"] = json.dumps(TRAINING_CONFIG).encode()
        root = f.create_group("model_weights")
        root.attrs["backend"] = b"tensorflow"
        root.attrs["keras_version"] = keras_version.encode()
        root.attrs["layer_names"] = np.array([layer.encode() for layer, _ in weights])
        for layer, params in weights:
            g = root.create_group(layer)
            names = ["%s/%s:0" % (layer, p) for p in params]
            g.attrs["weight_names"] = np.array([n.encode() for n in names])
            for n, p in zip(names, params.values()):
                g.create_dataset(n, data=np.asarray(p, np.float32))


def expect(name, inputs, outputs):
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump({"inputs": np.asarray(inputs, np.float64).round(6).tolist(), "outputs": np.asarray(outputs).tolist()}, f)
        f.write("\n")


def mlp(rng):
    ws, bs = train_mlp(rng)
    names = ["dense", "dense_1", "dense_2"]
    layers = [input_config("dense_input", [FEATURES]), dense_config("dense", 32, "relu", FEATURES),
              dense_config("dense_1", 16, "relu"), dense_config("dense_2", CLASSES, "softmax")]
    save("mlp.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [(n, {"kernel": w, "bias": b}) for n, w, b in zip(names, ws, bs)])
    x, _ = blobs(5, rng)
    x = x.round(6)
    expect("mlp", x, softmax(relu(relu(x @ ws[0] + bs[0]) @ ws[1] + bs[1]) @ ws[2] + bs[2]))


def conv2d_valid(x, kernel, bias):
    """x: (n, h, w, c) as Keras's channels_last; kernel: (kh, kw, c, filters) as Keras stores it."""
    kh, kw = kernel.shape[:2]
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], h, w, kernel.shape[3]))
    for i in range(h):
        for j in range(w):
            out[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


def cnn(rng):
    kernel = (rng.standard_normal((3, 3, 1, 4)) * 0.5).astype(np.float32)
    conv_bias = (rng.standard_normal(4) * 0.1).astype(np.float32)
    dense = (rng.standard_normal((36, CLASSES)) * 0.3).astype(np.float32)
    dense_bias = (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)
    conv = {"class_name": "Conv2D", "config": {
        "name": "conv2d", "trainable": True, "dtype": "float32", "batch_input_shape": [None, 8, 8, 1],
        "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
        "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}
    pool = {"class_name": "MaxPooling2D", "config": {
        "name": "max_pooling2d", "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
        "strides": [2, 2], "data_format": "channels_last"}}
    flatten = {"class_name": "Flatten", "config": {
        "name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"}}
    layers = [input_config("conv2d_input", [8, 8, 1]), conv, pool, flatten, dense_config("dense", CLASSES, "softmax")]
    save("cnn.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("conv2d", {"kernel": kernel, "bias": conv_bias}), ("max_pooling2d", {}), ("flatten", {}),
          ("dense", {"kernel": dense, "bias": dense_bias})])
    x = rng.random((3, 8, 8, 1)).astype(np.float32).round(6)
    c = relu(conv2d_valid(x, kernel, conv_bias))                       # (n, 6, 6, 4)
    p = c.reshape(len(x), 3, 2, 3, 2, 4).max(axis=(2, 4))              # (n, 3, 3, 4)
    # Keras flattens channels_last in (h, w, c) order; the inputs are stored the same way
    expect("cnn", x, softmax(p.reshape(len(x), -1) @ dense + dense_bias))


def functional(rng):
    shapes = {"dense": (FEATURES, 8), "dense_1": (FEATURES, 8), "dense_2": (8, CLASSES)}
    params = {n: {"kernel": (rng.standard_normal(s) * 0.5).astype(np.float32),
                  "bias": (rng.standard_normal(s[1]) * 0.1).astype(np.float32)} for n, s in shapes.items()}

    def node(layer, inbound):
        layer["name"] = layer["config"]["name"]
        layer["inbound_nodes"] = [[[i, 0, 0, {}] for i in inbound]] if inbound else []
        return layer

    layers = [node(input_config("input_1", [FEATURES]), []),
              node(dense_config("dense", 8, "relu"), ["input_1"]),
              node(dense_config("dense_1", 8, "tanh"), ["input_1"]),
              node({"class_name": "Add", "config": {"name": "add", "trainable": True, "dtype": "float32"}},
                   ["dense", "dense_1"]),
              node(dense_config("dense_2", CLASSES, "softmax"), ["add"])]
    config = {"class_name": "Functional", "config": {"name": "model", "layers": layers,
                                                     "input_layers": [["input_1", 0, 0]],
                                                     "output_layers": [["dense_2", 0, 0]]}}
    save("functional.h5", config, [("input_1", {}), ("dense", params["dense"]), ("dense_1", params["dense_1"]),
                                   ("add", {}), ("dense_2", params["dense_2"])])
    x = rng.standard_normal((4, FEATURES)).astype(np.float32).round(6)
    p = params
    added = relu(x @ p["dense"]["kernel"] + p["dense"]["bias"]) + np.tanh(x @ p["dense_1"]["kernel"] + p["dense_1"]["bias"])
    expect("functional", x, softmax(added @ p["dense_2"]["kernel"] + p["dense_2"]["bias"]))


def softmax_activation(rng):
    hidden = {"kernel": (rng.standard_normal((FEATURES, 8)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(8) * 0.1).astype(np.float32)}
    logits = {"kernel": (rng.standard_normal((8, CLASSES)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)}
    activation = {"class_name": "Activation",
                  "config": {"name": "activation", "trainable": True, "dtype": "float32", "activation": "softmax"}}
    layers = [input_config("dense_input", [FEATURES]), dense_config("dense", 8, "relu", FEATURES),
              dense_config("dense_1", CLASSES, "linear"), activation]
    save("softmax_activation.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("dense", hidden), ("dense_1", logits), ("activation", {})])
    x = rng.standard_normal((4, FEATURES)).astype(np.float32).round(6)
    expect("softmax_activation", x,
           softmax(relu(x @ hidden["kernel"] + hidden["bias"]) @ logits["kernel"] + logits["bias"]))


def keras3(rng):
    dense = {"kernel": rng.standard_normal((FEATURES, CLASSES)).astype(np.float32), "bias": np.zeros(CLASSES, np.float32)}
    layers = [input_config("dense_input", [FEATURES]), dense_config("dense", CLASSES, "softmax", FEATURES)]
    save("keras3.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("dense", dense)], keras_version="3.3.3")


def plain():
    with h5py.File(os.path.join(HERE, "plain.h5"), "w") as f:
        f.create_dataset("x", data=np.arange(4, dtype=np.float32))


if __name__ == "__main__":
    generator = np.random.default_rng(7)
    mlp(generator)
    cnn(generator)
    functional(generator)
    softmax_activation(generator)
    keras3(generator)
    plain()
