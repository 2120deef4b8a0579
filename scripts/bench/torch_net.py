#!/usr/bin/env python3
"""The PyTorch side of `npm run bench`: builds a spec's network in PyTorch from the JSON that
netc writes of it (src/driver/describe-network.ts), then times it as `netc bench` times netc:
synthetic data (seeded random images of the network's input shape, random labels), warm-up
steps, timed training steps with the spec's optimizer, and inference on as many images in
batches of 1,000. Prints one JSON line: train and infer images/s, peak RSS in MiB.

  /usr/bin/python3 scripts/bench/torch_net.py NET.json --threads 2 --steps 30

Layers: conv2d (with a connection table as a fixed 0/1 mask), dense, avgpool2d, maxpool2d,
global pools, subsample (the 1998 paper's per-channel scaled sum), rbf (squared distances to
fixed prototypes), batchnorm, dropout, flatten, concat, add, and activation layers. Padding and
pool windows come from the shapes netc computed, so 'same', explicit and asymmetric padding
all come out as netc's. PyTorch is NCHW, netc NHWC: a layout each engine is fastest in; flatten
orders features differently, which changes nothing of the work.
"""
import argparse, json, math, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def pair(v, default=None):
    if v is None:
        v = default
    return (v, v) if isinstance(v, int) else tuple(v)


ACTIVATIONS = {
    "linear": lambda x: x, "tanh": torch.tanh, "relu": F.relu, "sigmoid": torch.sigmoid,
    "scaled_tanh": lambda x: 1.7159 * torch.tanh(x * (2 / 3)), "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "elu": F.elu, "gelu": F.gelu, "swish": F.silu, "softplus": F.softplus,
    # the loss takes logits (cross-entropy of softmax in one stable step, as netc fuses it)
    "softmax": lambda x: x,
}


def padding_for(size_in, size_out, k, s, d=1):
    """(before, after) rows that make `size_in` give `size_out`, as netc computed them."""
    total = max((size_out - 1) * s + (k - 1) * d + 1 - size_in, 0)
    return total // 2, total - total // 2


class Layer(nn.Module):
    """One spec layer: a module or a function of its inputs, then its activation."""

    def __init__(self, desc, in_shapes):
        super().__init__()
        self.op, a = desc["op"], desc["attrs"]
        self.act = ACTIVATIONS[a.get("activation", "softmax" if self.op == "activation" and a.get("fn") == "softmax" else a.get("fn", "linear"))]
        out = desc["shape"]
        if self.op in ("conv2d", "depthwise_conv2d"):
            h, w, c = in_shapes[0]
            kh, kw = pair(a.get("kernel"))
            sh, sw = pair(a.get("stride"), 1)
            dh, dw = pair(a.get("dilation"), 1)
            pt, pb = padding_for(h, out[0], kh, sh, dh)
            pl, pr = padding_for(w, out[1], kw, sw, dw)
            self.pad = (pl, pr, pt, pb)
            groups = c if self.op == "depthwise_conv2d" else 1
            self.mod = nn.Conv2d(c, out[2], (kh, kw), (sh, sw), dilation=(dh, dw), groups=groups, bias=a.get("use_bias", True))
            table = a.get("connections")
            mask = None
            if table:
                mask = torch.zeros(out[2], c, 1, 1)
                for f, reads in enumerate(table):
                    mask[f, reads] = 1
            self.register_buffer("mask", mask)
        elif self.op == "dense":
            self.mod = nn.Linear(math.prod(in_shapes[0]), out[-1])
        elif self.op in ("avgpool2d", "maxpool2d", "subsample"):
            h, w, c = in_shapes[0]
            ph, pw = pair(a.get("pool"))
            sh, sw = pair(a.get("stride"), (ph, pw))
            pt, pb = padding_for(h, out[0], ph, sh)
            pl, pr = padding_for(w, out[1], pw, sw)
            self.pad = (pl, pr, pt, pb)
            self.window = dict(kernel_size=(ph, pw), stride=(sh, sw))
            if self.op == "subsample":
                self.coef = nn.Parameter(torch.ones(1, c, 1, 1))
                self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
                self.area = ph * pw
        elif self.op == "rbf":
            self.register_buffer("prototypes", torch.randint(0, 2, (out[-1], math.prod(in_shapes[0]))).float() * 2 - 1)
        elif self.op == "batchnorm":
            c = in_shapes[0][-1]
            self.mod = nn.BatchNorm2d(c, momentum=1 - a.get("momentum", 0.99), eps=a.get("epsilon", 1e-3)) if len(in_shapes[0]) == 3 else nn.BatchNorm1d(c)
        elif self.op == "dropout":
            self.mod = nn.Dropout(a.get("rate", 0.5))
        elif self.op not in ("flatten", "concat", "add", "activation", "global_avgpool2d", "global_maxpool2d"):
            raise SystemExit(f"torch_net.py: no PyTorch layer for op '{self.op}' yet")

    def forward(self, *xs):
        x = xs[0]
        op = self.op
        if op in ("conv2d", "depthwise_conv2d"):
            if any(self.pad):
                x = F.pad(x, self.pad)
            if self.mask is not None:
                y = F.conv2d(x, self.mod.weight * self.mask, self.mod.bias, self.mod.stride, 0, self.mod.dilation, self.mod.groups)
            else:
                y = self.mod(x)
        elif op == "dense":
            y = self.mod(x.flatten(1))
        elif op in ("avgpool2d", "maxpool2d", "subsample"):
            if any(self.pad):
                x = F.pad(x, self.pad, value=-math.inf if op == "maxpool2d" else 0.0)
            if op == "maxpool2d":
                y = F.max_pool2d(x, **self.window)
            elif op == "avgpool2d":
                y = F.avg_pool2d(x, **self.window)
            else:
                y = F.avg_pool2d(x, **self.window) * self.area * self.coef + self.bias
        elif op == "global_avgpool2d":
            y = x.mean((2, 3))
        elif op == "global_maxpool2d":
            y = x.amax((2, 3))
        elif op == "rbf":
            y = torch.cdist(x.flatten(1), self.prototypes).square()
        elif op in ("batchnorm", "dropout"):
            y = self.mod(x)
        elif op == "flatten":
            y = x.flatten(1)
        elif op == "concat":
            y = torch.cat(xs, 1)
        elif op == "add":
            y = xs[0] + xs[1]
        else:
            y = x
        return self.act(y)


class Net(nn.Module):
    def __init__(self, net):
        super().__init__()
        shapes = {"input": net["input"]}
        self.order = []
        self.layers = nn.ModuleDict()
        for d in net["layers"]:
            self.layers[d["name"]] = Layer(d, [shapes[i] for i in d["inputs"]])
            self.order.append((d["name"], d["inputs"]))
            shapes[d["name"]] = d["shape"]
        self.output = net["layers"][-1]["name"]

    def forward(self, x):
        values = {"input": x}
        for name, inputs in self.order:
            values[name] = self.layers[name](*[values[i] for i in inputs])
        return values[self.output]


def loss_of(net):
    if net["loss"] == "rbf_map":
        j = 0.1
        def rbf_map(y, t):  # y: penalties; the paper's MAP loss
            return (y.gather(1, t[:, None]).squeeze(1) + torch.logsumexp(torch.cat([-y, torch.full_like(y[:, :1], -j)], 1), 1)).mean()
        return rbf_map
    if net["loss"] == "mse":
        return lambda y, t: F.mse_loss(y, F.one_hot(t, y.shape[1]).float())
    return nn.CrossEntropyLoss()


def optimizer_of(net, params):
    o = net["optimizer"]
    o = {"name": o} if isinstance(o, str) else o
    lr = o.get("learning_rate", 0.001)
    name = o["name"]
    if name == "sgd":
        return torch.optim.SGD(params, lr, momentum=o.get("momentum", 0.0), nesterov=o.get("nesterov", False))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr, alpha=o.get("rho", 0.9), eps=o.get("epsilon", 1e-7))
    if name == "adamw":
        return torch.optim.AdamW(params, lr, weight_decay=o.get("weight_decay", 0.004), eps=o.get("epsilon", 1e-7))
    return torch.optim.Adam(params, lr, betas=(o.get("beta_1", 0.9), o.get("beta_2", 0.999)), eps=o.get("epsilon", 1e-7))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("net")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch", type=int, default=0, help="default: the spec's batch_size")
    p.add_argument("--count", action="store_true", help="print the trainable parameters and output shape, and stop")
    a = p.parse_args()
    net = json.load(open(a.net))
    if a.count:  # what test/bench-suite.test.ts compares with netc's own figures
        model = Net(net)
        h, w, c = net["input"]
        out = model(torch.rand(2, c, h, w))
        print(json.dumps({"params": sum(x.numel() for x in model.parameters() if x.requires_grad), "output": list(out.shape[1:])}))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    batch = a.batch or net["batch_size"]
    h, w, c = net["input"]
    model = Net(net)
    opt = optimizer_of(net, model.parameters())
    loss_fn = loss_of(net)
    x = torch.rand(batch, c, h, w)
    t = torch.randint(0, net["classes"], (batch,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()

    model.train()
    for _ in range(3):  # warm-up, as netc bench
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    train = a.steps * batch / (time.perf_counter() - t0)
    model.eval()
    images = a.steps * batch
    xs = torch.rand(min(images, 4000), c, h, w)
    chunks = max(1, math.ceil(images / len(xs)))
    with torch.no_grad():
        model(xs[:1000])
        t0 = time.perf_counter()
        for _ in range(chunks):
            for i in range(0, len(xs), 1000):
                model(xs[i:i + 1000])
        infer = chunks * len(xs) / (time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": "pytorch", "version": torch.__version__, "threads": a.threads, "batch": batch,
                      "trainImagesPerS": train, "inferImagesPerS": infer, "peakRssMiB": peak}))


if __name__ == "__main__":
    main()
