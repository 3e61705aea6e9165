"""Writes the small Keras models the Keras-import tests read, and the outputs they must give.

TensorFlow is not needed: each .h5 file is written with h5py in the layout Keras 2 / tf.keras 2.x
`model.save('x.h5')` writes (root attributes model_config, training_config, keras_version and backend;
a model_weights group with one group per layer, its weight_names attribute and its datasets under
<layer>/<layer>/kernel:0 and bias:0). Each model's expected outputs for a few inputs are computed here
with numpy from the same weights and written beside it as <name>.expected.json. Images are channels-last
(height, width, channels) in the models, as Keras keeps them, but the inputs are written as Shears reads
image rows: flat, channels first (channel, row, column).

  mlp.h5         Sequential 16-32-16-4 (ReLU, softmax), trained here on the Gaussian blobs the
                 spark-jobs tests generate (TestData.blobsCsv: 16 features, 4 classes)
  cnn.h5         Sequential Conv2D(4, 3x3) - MaxPooling2D(2x2) - Flatten - Dense(4, softmax) on 8x8x1 images
  functional.h5  functional model: input 16 -> two Dense(8) branches -> Add -> Dense(4, softmax)
  softmax_activation.h5  Sequential Dense(8, relu) - Dense(4) - Activation(softmax) on 16 inputs
  keras3.h5      a Sequential model in this layout marked keras_version 3.3.3 (Keras 3 writes it for .h5)
  plain.h5       an HDF5 file that is not a Keras model (one dataset)
  residual.h5    functional residual CNN on 8x8x1 images: a Conv2D(4, 3x3, same) stem, a branch of two
                 Conv2D(4, 3x3, same) added back to the stem's output by Add, Activation(relu),
                 MaxPooling2D(2x2), Flatten, Dense(4, softmax)
  cnn_layers.h5  Sequential on 6x6x3 images: Conv2D(4, 3x3, same) - BatchNormalization - Activation(relu) -
                 AveragePooling2D(2x2) - Dropout - GlobalMaxPooling2D - Dense(4, softmax), the other layers
                 an image model may hold, and three input channels
  image_mlp.h5   Sequential on 4x4x2 images: Flatten - Dense(8, relu) - Dense(4, softmax)
  conv2d_transpose.h5  a Sequential CNN with a Conv2DTranspose layer (conv2d_transpose_1), which Shears
                 refuses by name (no expected outputs)

Run from the repository root with Debian's h5py and numpy (apt-get install python3-h5py python3-numpy):

  /usr/bin/python3 pruning/src/test/resources/keras/make_fixtures.py

It was run with Python 3.11, h5py 3.7.0 and numpy 1.24.2; the output is the same on every run on one
machine (another CPU may round the last bits of numpy's products otherwise).
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


def conv2d(x, kernel, bias, padding="valid"):
    """x: (n, h, w, c) as Keras's channels_last; kernel: (kh, kw, c, filters) as Keras stores it. Padding
    'same' at stride 1 pads (k - 1) // 2 before and the rest after, as TensorFlow does."""
    kh, kw = kernel.shape[:2]
    if padding == "same":
        x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], h, w, kernel.shape[3]))
    for i in range(h):
        for j in range(w):
            out[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


def pool2x2(x, reduce):
    """2x2 pooling at stride 2 of channels_last images with even sides; reduce: np.max or np.mean."""
    n, h, w, c = x.shape
    return reduce(x.reshape(n, h // 2, 2, w // 2, 2, c), axis=(2, 4))


def images(rng, shape, rows):
    """Channels-last images for a model, and the same images as the flat channels-first rows Shears reads."""
    x = rng.random((rows,) + shape).astype(np.float32).round(6)
    return x, x.transpose(0, 3, 1, 2).reshape(rows, -1)


def conv_params(rng, kernel, channels, filters):
    return {"kernel": (rng.standard_normal((kernel, kernel, channels, filters)) * 0.5).astype(np.float32),
            "bias": (rng.standard_normal(filters) * 0.1).astype(np.float32)}


def conv_config(name, filters, padding, activation, input_shape=None, class_name="Conv2D"):
    config = {"name": name, "trainable": True, "dtype": "float32"}
    if input_shape is not None:
        config["batch_input_shape"] = [None] + input_shape
    config.update({
        "filters": filters, "kernel_size": [3, 3], "strides": [1, 1], "padding": padding,
        "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": activation,
        "use_bias": True, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    if class_name == "Conv2DTranspose":
        del config["groups"]
        config["output_padding"] = None
    return {"class_name": class_name, "config": config}


def pool_config(class_name, name):
    return {"class_name": class_name, "config": {
        "name": name, "trainable": True, "dtype": "float32", "pool_size": [2, 2], "padding": "valid",
        "strides": [2, 2], "data_format": "channels_last"}}


def layer_config(class_name, name, **config):
    """A layer whose configuration is its name and the given fields (Flatten, Activation, Add, global pooling...)."""
    return {"class_name": class_name, "config": dict({"name": name, "trainable": True, "dtype": "float32"}, **config)}


def node(layer, inbound):
    """A functional model's layer entry: the layer and the layers whose outputs it reads."""
    layer["name"] = layer["config"]["name"]
    layer["inbound_nodes"] = [[[i, 0, 0, {}] for i in inbound]] if inbound else []
    return layer


def functional_config(layers, output):
    return {"class_name": "Functional", "config": {"name": "model", "layers": layers,
                                                   "input_layers": [[layers[0]["name"], 0, 0]],
                                                   "output_layers": [[output, 0, 0]]}}


def cnn(rng):
    kernel = (rng.standard_normal((3, 3, 1, 4)) * 0.5).astype(np.float32)
    conv_bias = (rng.standard_normal(4) * 0.1).astype(np.float32)
    dense = (rng.standard_normal((36, CLASSES)) * 0.3).astype(np.float32)
    dense_bias = (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)
    layers = [input_config("conv2d_input", [8, 8, 1]), conv_config("conv2d", 4, "valid", "relu", [8, 8, 1]),
              pool_config("MaxPooling2D", "max_pooling2d"),
              layer_config("Flatten", "flatten", data_format="channels_last"),
              dense_config("dense", CLASSES, "softmax")]
    save("cnn.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("conv2d", {"kernel": kernel, "bias": conv_bias}), ("max_pooling2d", {}), ("flatten", {}),
          ("dense", {"kernel": dense, "bias": dense_bias})])
    x, rows = images(rng, (8, 8, 1), 3)
    p = pool2x2(relu(conv2d(x, kernel, conv_bias)), np.max)           # (n, 3, 3, 4)
    # Keras flattens channels_last in (h, w, c) order
    expect("cnn", rows, softmax(p.reshape(len(x), -1) @ dense + dense_bias))


def functional(rng):
    shapes = {"dense": (FEATURES, 8), "dense_1": (FEATURES, 8), "dense_2": (8, CLASSES)}
    params = {n: {"kernel": (rng.standard_normal(s) * 0.5).astype(np.float32),
                  "bias": (rng.standard_normal(s[1]) * 0.1).astype(np.float32)} for n, s in shapes.items()}

    layers = [node(input_config("input_1", [FEATURES]), []),
              node(dense_config("dense", 8, "relu"), ["input_1"]),
              node(dense_config("dense_1", 8, "tanh"), ["input_1"]),
              node(layer_config("Add", "add"), ["dense", "dense_1"]),
              node(dense_config("dense_2", CLASSES, "softmax"), ["add"])]
    save("functional.h5", functional_config(layers, "dense_2"),
         [("input_1", {}), ("dense", params["dense"]), ("dense_1", params["dense_1"]), ("add", {}),
          ("dense_2", params["dense_2"])])
    x = rng.standard_normal((4, FEATURES)).astype(np.float32).round(6)
    p = params
    added = relu(x @ p["dense"]["kernel"] + p["dense"]["bias"]) + np.tanh(x @ p["dense_1"]["kernel"] + p["dense_1"]["bias"])
    expect("functional", x, softmax(added @ p["dense_2"]["kernel"] + p["dense_2"]["bias"]))


def softmax_activation(rng):
    hidden = {"kernel": (rng.standard_normal((FEATURES, 8)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(8) * 0.1).astype(np.float32)}
    logits = {"kernel": (rng.standard_normal((8, CLASSES)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)}
    activation = layer_config("Activation", "activation", activation="softmax")
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


def residual(rng):
    """A stem, a branch of two convolutions added back to the stem's output: the filters of the stem and of the
    branch's last convolution line up, so filter pruning removes them together."""
    stem, branch_1, branch_2 = (conv_params(rng, 3, 1, 4), conv_params(rng, 3, 4, 4), conv_params(rng, 3, 4, 4))
    dense = {"kernel": (rng.standard_normal((64, CLASSES)) * 0.5).astype(np.float32),
             "bias": (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)}
    layers = [node(input_config("input_1", [8, 8, 1]), []),
              node(conv_config("conv2d", 4, "same", "relu"), ["input_1"]),
              node(conv_config("conv2d_1", 4, "same", "relu"), ["conv2d"]),
              node(conv_config("conv2d_2", 4, "same", "linear"), ["conv2d_1"]),
              node(layer_config("Add", "add"), ["conv2d", "conv2d_2"]),
              node(layer_config("Activation", "activation", activation="relu"), ["add"]),
              node(pool_config("MaxPooling2D", "max_pooling2d"), ["activation"]),
              node(layer_config("Flatten", "flatten", data_format="channels_last"), ["max_pooling2d"]),
              node(dense_config("dense", CLASSES, "softmax"), ["flatten"])]
    save("residual.h5", functional_config(layers, "dense"),
         [("input_1", {}), ("conv2d", stem), ("conv2d_1", branch_1), ("conv2d_2", branch_2), ("add", {}),
          ("activation", {}), ("max_pooling2d", {}), ("flatten", {}), ("dense", dense)])
    x, rows = images(rng, (8, 8, 1), 3)
    s = relu(conv2d(x, stem["kernel"], stem["bias"], "same"))
    b = conv2d(relu(conv2d(s, branch_1["kernel"], branch_1["bias"], "same")), branch_2["kernel"], branch_2["bias"], "same")
    p = pool2x2(relu(s + b), np.max)
    expect("residual", rows, softmax(p.reshape(len(x), -1) @ dense["kernel"] + dense["bias"]))


def cnn_layers(rng):
    conv = conv_params(rng, 3, 3, 4)
    norm = {"gamma": (1 + rng.standard_normal(4) * 0.1).astype(np.float32),
            "beta": (rng.standard_normal(4) * 0.1).astype(np.float32),
            "moving_mean": (rng.standard_normal(4) * 0.1).astype(np.float32),
            "moving_variance": (1 + rng.random(4)).astype(np.float32)}
    dense = {"kernel": (rng.standard_normal((4, CLASSES)) * 0.5).astype(np.float32),
             "bias": (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)}
    zeros, ones = {"class_name": "Zeros", "config": {}}, {"class_name": "Ones", "config": {}}
    batch_norm = layer_config("BatchNormalization", "batch_normalization", axis=[3], momentum=0.99, epsilon=0.001,
                              center=True, scale=True, beta_initializer=zeros, gamma_initializer=ones,
                              moving_mean_initializer=zeros, moving_variance_initializer=ones,
                              beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                              gamma_constraint=None)
    layers = [input_config("conv2d_input", [6, 6, 3]), conv_config("conv2d", 4, "same", "linear", [6, 6, 3]), batch_norm,
              layer_config("Activation", "activation", activation="relu"),
              pool_config("AveragePooling2D", "average_pooling2d"),
              layer_config("Dropout", "dropout", rate=0.25, noise_shape=None, seed=None),
              layer_config("GlobalMaxPooling2D", "global_max_pooling2d", data_format="channels_last", keepdims=False),
              dense_config("dense", CLASSES, "softmax")]
    save("cnn_layers.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("conv2d", conv), ("batch_normalization", norm), ("activation", {}), ("average_pooling2d", {}),
          ("dropout", {}), ("global_max_pooling2d", {}), ("dense", dense)])
    x, rows = images(rng, (6, 6, 3), 3)
    c = conv2d(x, conv["kernel"], conv["bias"], "same")
    n = (c - norm["moving_mean"]) / np.sqrt(norm["moving_variance"] + 0.001) * norm["gamma"] + norm["beta"]
    # dropout passes everything through at inference
    p = pool2x2(relu(n), np.mean).max(axis=(1, 2))
    expect("cnn_layers", rows, softmax(p @ dense["kernel"] + dense["bias"]))


def image_mlp(rng):
    hidden = {"kernel": (rng.standard_normal((32, 8)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(8) * 0.1).astype(np.float32)}
    logits = {"kernel": (rng.standard_normal((8, CLASSES)) * 0.5).astype(np.float32),
              "bias": (rng.standard_normal(CLASSES) * 0.1).astype(np.float32)}
    layers = [input_config("flatten_input", [4, 4, 2]),
              layer_config("Flatten", "flatten", batch_input_shape=[None, 4, 4, 2], data_format="channels_last"),
              dense_config("dense", 8, "relu"), dense_config("dense_1", CLASSES, "softmax")]
    save("image_mlp.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("flatten", {}), ("dense", hidden), ("dense_1", logits)])
    x, rows = images(rng, (4, 4, 2), 3)
    expect("image_mlp", rows, softmax(relu(x.reshape(len(x), -1) @ hidden["kernel"] + hidden["bias"]) @ logits["kernel"]
                                      + logits["bias"]))


def conv2d_transpose(rng):
    conv = conv_params(rng, 3, 1, 2)
    # Conv2DTranspose keeps its kernel as (kh, kw, filters, input channels)
    transpose = {"kernel": (rng.standard_normal((3, 3, 1, 2)) * 0.5).astype(np.float32), "bias": np.zeros(1, np.float32)}
    dense = {"kernel": (rng.standard_normal((64, CLASSES)) * 0.5).astype(np.float32), "bias": np.zeros(CLASSES, np.float32)}
    layers = [input_config("conv2d_input", [8, 8, 1]), conv_config("conv2d", 2, "valid", "relu", [8, 8, 1]),
              conv_config("conv2d_transpose_1", 1, "valid", "relu", class_name="Conv2DTranspose"),
              layer_config("Flatten", "flatten", data_format="channels_last"), dense_config("dense", CLASSES, "softmax")]
    save("conv2d_transpose.h5", {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}},
         [("conv2d", conv), ("conv2d_transpose_1", transpose), ("flatten", {}), ("dense", dense)])


def plain():
    with h5py.File(os.path.join(HERE, "plain.h5"), "w") as f:
        f.create_dataset("x", data=np.arange(4, dtype=np.float32))


if __name__ == "__main__":
    # every model draws from one generator in this order: a new model goes last, so the others stay as they are
    generator = np.random.default_rng(7)
    mlp(generator)
    cnn(generator)
    functional(generator)
    softmax_activation(generator)
    keras3(generator)
    plain()
    residual(generator)
    cnn_layers(generator)
    image_mlp(generator)
    conv2d_transpose(generator)
