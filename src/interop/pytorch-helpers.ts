/**
 * The Python the exported program defines for itself where PyTorch has no module or optimizer
 * that computes what netc computes. Each is written into a program only when its network or
 * its training uses it.
 */

export const PYTHON_HELPERS: Readonly<Record<string, string>> = {
  MaskedConv2d: `class MaskedConv2d(nn.Conv2d):
    """A convolution whose output map o reads only the input maps connections[o] (the 1998
    paper's connection table): the weights it does not use are multiplied by a fixed 0."""

    def __init__(self, in_channels, out_channels, kernel_size, connections, **kwargs):
        super().__init__(in_channels, out_channels, kernel_size, **kwargs)
        mask = torch.zeros(out_channels, in_channels, 1, 1)
        for o, reads in enumerate(connections):
            mask[o, reads] = 1
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x):
        return self._conv_forward(x, self.weight * self.mask, self.bias)`,

  Subsample: `class Subsample(nn.Module):
    """The 1998 paper's subsampling: each map's window sum times a trained coefficient, plus a
    trained bias, per map."""

    def __init__(self, channels, pool, stride):
        super().__init__()
        self.pool, self.stride = pool, stride
        self.coef = nn.Parameter(torch.empty(channels))
        self.bias = nn.Parameter(torch.empty(channels))

    def forward(self, x):
        total = F.avg_pool2d(x, self.pool, self.stride, divisor_override=1)
        return total * self.coef.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)`,

  RBF: `class RBF(nn.Module):
    """Euclidean RBF units: y[u] = sum over k of (x[k] - w[u, k])^2, the squared distance of the
    input to each unit's fixed prototype (not trained)."""

    def __init__(self, prototypes):
        super().__init__()
        self.register_buffer("prototypes", torch.tensor(prototypes, dtype=torch.float32), persistent=False)

    def forward(self, x):
        return (x.unsqueeze(1) - self.prototypes).square().sum(2)`,

  average_pool: `def average_pool(x, kernel, stride, pads):
    """Average pooling with uneven padding (F.pad's order), dividing each window's sum by the
    number of its real pixels, as netc does (PyTorch's count_include_pad=False pads evenly only)."""
    total = F.avg_pool2d(F.pad(x, pads), kernel, stride, divisor_override=1)
    count = F.avg_pool2d(F.pad(torch.ones_like(x[:1, :1]), pads), kernel, stride, divisor_override=1)
    return total / count`,

  KerasRMSprop: `class KerasRMSprop(torch.optim.Optimizer):
    """RMSprop as Keras and netc compute it: ms = rho*ms + (1 - rho)*g^2, p -= lr*g/sqrt(ms + eps),
    with eps under the root (torch.optim.RMSprop adds it after); centered, the mean gradient's
    square is taken off ms; with momentum, the steps go through a buffer, buf = momentum*buf + step."""

    def __init__(self, params, lr, rho, momentum, epsilon, centered):
        super().__init__(params, dict(lr=lr, rho=rho, momentum=momentum, epsilon=epsilon, centered=centered))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, rho, momentum = group["lr"], group["rho"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g, state = p.grad, self.state[p]
                if not state:
                    state["ms"] = torch.zeros_like(p)
                    state["mg"] = torch.zeros_like(p)
                    state["buf"] = torch.zeros_like(p)
                ms = state["ms"].mul_(rho).addcmul_(g, g, value=1 - rho)
                denominator = ms
                if group["centered"]:
                    mg = state["mg"].mul_(rho).add_(g, alpha=1 - rho)
                    denominator = ms - mg * mg
                step = lr * g / (denominator + group["epsilon"]).sqrt()
                if momentum > 0:
                    p.sub_(state["buf"].mul_(momentum).add_(step))
                else:
                    p.sub_(step)`,
};
