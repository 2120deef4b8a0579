#!/usr/bin/env python3
"""The PyTorch side of `npm run bench`: times a program `netc export SPEC --format pytorch` wrote
(its module, loss, optimizer and batch size, imported from it) as `netc bench` times netc:
synthetic data (seeded random images of the network's input shape, random labels), warm-up
steps, timed training steps, and inference on as many images in batches of 1,000. Prints one
JSON line: train and infer images/s, peak RSS in MiB.

  /usr/bin/python3 scripts/bench/torch_bench.py PROGRAM.py --threads 2 --steps 30
  /usr/bin/python3 scripts/bench/torch_bench.py PROGRAM.py --count   # trainable parameters and output shape

PyTorch is NCHW, netc NHWC: a layout each engine is fastest in.
"""
import argparse
import importlib.util
import json
import math
import resource
import time

import torch


def load(path):
    spec = importlib.util.spec_from_file_location("exported", path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    return program


def main():
    p = argparse.ArgumentParser()
    p.add_argument("program")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch", type=int, default=0, help="default: the spec's batch_size")
    p.add_argument("--count", action="store_true", help="print the trainable parameters and output shape, and stop")
    a = p.parse_args()
    program = load(a.program)
    model = program.create_model()
    if a.count:  # what test/bench-suite.test.ts compares with netc's own figures
        out = model.predict(torch.rand(2, *program.INPUT_SHAPE))
        print(json.dumps({"params": sum(x.numel() for x in model.parameters() if x.requires_grad), "output": list(out.shape[1:])}))
        return
    torch.set_num_threads(a.threads)
    batch = a.batch or program.BATCH_SIZE
    optimizer = program.make_optimizer(model)
    x = torch.rand(batch, *program.INPUT_SHAPE)
    t = torch.randint(0, program.CLASSES, (batch,))

    def step():
        loss = program.loss_fn(model, model(x), t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.train()
    for _ in range(3):  # warm-up, as netc bench
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    train = a.steps * batch / (time.perf_counter() - t0)
    model.eval()
    images = a.steps * batch
    xs = torch.rand(min(images, 4000), *program.INPUT_SHAPE)
    chunks = max(1, math.ceil(images / len(xs)))
    with torch.no_grad():
        model.predict(xs[:1000])
        t0 = time.perf_counter()
        for _ in range(chunks):
            for i in range(0, len(xs), 1000):
                model.predict(xs[i:i + 1000])
        infer = chunks * len(xs) / (time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"side": "pytorch", "version": torch.__version__, "threads": a.threads, "batch": batch,
                      "trainImagesPerS": train, "inferImagesPerS": infer, "peakRssMiB": peak}))


if __name__ == "__main__":
    main()
