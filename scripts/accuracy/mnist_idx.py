"""MNIST's raw IDX files as PyTorch tensors, for the peer scripts in this folder: images
N×1×28×28 scaled to [0, 1], labels as class numbers."""
import numpy as np
import torch


def idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header)


def images(path):
    return torch.tensor(idx(path, 16).reshape(-1, 1, 28, 28) / 255.0, dtype=torch.float32)


def labels(path):
    return torch.tensor(idx(path, 8).astype(np.int64))


def mnist(folder):
    """(train images, train labels, test images, test labels) from the folder of the four files."""
    return (images(f"{folder}/train-images-idx3-ubyte"), labels(f"{folder}/train-labels-idx1-ubyte"),
            images(f"{folder}/t10k-images-idx3-ubyte"), labels(f"{folder}/t10k-labels-idx1-ubyte"))
