"""Runs a program netc export --format pytorch wrote, for test/interop/pytorch-export.test.ts, in
one process: its predictions, through its own IDX reader, on the first N images of an IDX file
(with the exported weights, and with a second weights file if given); STEPS training steps of its
own loss, optimizer and schedule from create_model() on a fixed batch; its learning_rate() at each step of
a short run; one epoch of its training loop on 64 images; and, when the spec augments, one
distortion. Prints one JSON object.
With "updates" in the config instead: for each program, its optimizer's steps from given
weights on the first training images, and the weights they end at.

  /usr/bin/python3 pytorch_check.py CONFIG.json
"""
import argparse
import contextlib
import importlib.util
import io
import json
import math
import sys

import torch


def load(path):
    spec = importlib.util.spec_from_file_location("exported", path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    return program


def updated(config, u):
    """The weights after u["steps"] steps of the program's loss and optimizer from u["from"], in WEIGHTS order."""
    program = load(u["program"])
    model = program.create_model()
    program.load_weights(model, u["from"])
    optimizer = program.make_optimizer(model)
    x, y = program.read_split(config["train_images"], config["train_labels"], u["batch"])
    model.train()
    for _ in range(u["steps"]):
        loss = program.loss_fn(model, model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    state = model.state_dict()
    return torch.cat([state[key].flatten() for key, _ in program.WEIGHTS]).tolist()


def main():
    config = json.load(open(sys.argv[1]))
    torch.set_num_threads(1)
    if "updates" in config:
        print(json.dumps([updated(config, u) for u in config["updates"]]))
        return
    program = load(config["program"])
    result = {}
    images, _ = program.read_split(config["test_images"], config["test_labels"], config["count"])
    for key, weights in config["weights"].items():
        model = program.create_model()
        program.load_weights(model, weights)
        model.eval()
        with torch.no_grad():
            result[key] = model.predict(images).flatten().tolist()

    model = program.create_model()
    optimizer = program.make_optimizer(model)
    x, y = program.read_split(config["train_images"], config["train_labels"], config["batch"])
    model.train()
    losses = []
    batches_per_epoch = math.ceil(60000 / program.BATCH_SIZE)
    for step in range(config["steps"]):
        for group in optimizer.param_groups:  # the rates of the first steps of a run on MNIST
            group["lr"] = program.learning_rate(0, step, batches_per_epoch, program.EPOCHS)
        loss = program.loss_fn(model, model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    result["losses"] = losses
    # one epoch of the program's own loop (shuffle, schedule, augment, validation split) on a few images
    args = argparse.Namespace(train_images=config["train_images"], train_labels=config["train_labels"], test_images=config["test_images"],
                              test_labels=config["test_labels"], limit=64, test_limit=64)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        program.train(program.create_model(), program.load_data(args), 1)
    result["epoch"] = printed.getvalue()
    batches, epochs = config["batches"], config["epochs"]
    result["rates"] = [program.learning_rate(e, b, batches, epochs) for e in range(epochs) for b in range(batches)]
    if program.AUGMENT:
        d = program.distort(x, torch.Generator().manual_seed(1))
        result["distorted"] = {"shape": list(d.shape), "finite": bool(torch.isfinite(d).all()), "changed": float((d - x).abs().max()),
                               "in_range": bool(d.min() >= 0 and d.max() <= 1 + 1e-6)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
