"""The learning rates of PyTorch's OneCycleLR and CosineAnnealingLR (and the formula of Keras's
ExponentialDecay) for a few run lengths, printed as JSON: the truth that
test/runtime/schedule.test.ts compares netc's schedules with.

    /usr/bin/python3 scripts/reference/schedules.py > test/fixtures/schedules-torch.json
"""
import json
import torch

def rates(make, steps):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    return out

cases = []
for epochs, batches, lr, pct, div, final in [(3, 7, 0.01, 0.3, 25.0, 1e4), (1, 10, 0.002, 0.25, 10.0, 100.0), (2, 1, 0.5, 0.3, 25.0, 1e4)]:
    make = lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=batches,
                                                          pct_start=pct, div_factor=div, final_div_factor=final,
                                                          anneal_strategy='cos', cycle_momentum=False)
    cases.append({'schedule': {'kind': 'one_cycle', 'pct_start': pct, 'div_factor': div, 'final_div_factor': final},
                  'rate': lr, 'epochs': epochs, 'batches': batches, 'rates': rates(make, epochs * batches)})
# CosineAnnealingLR over T_max = total − 1 steps reaches eta_min at the last step, as netc's cosine without warm-up
for epochs, batches, lr, alpha in [(2, 5, 0.1, 0.0), (3, 4, 0.01, 0.1)]:
    total = epochs * batches
    def make_lr(opt, lr=lr):
        for g in opt.param_groups:
            g['lr'] = lr
            g['initial_lr'] = lr
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - 1, eta_min=alpha * lr, last_epoch=-1)
    cases.append({'schedule': {'kind': 'cosine', 'alpha': alpha}, 'rate': lr, 'epochs': epochs, 'batches': batches, 'rates': rates(make_lr, total)})
print(json.dumps({'torch': torch.__version__, 'cases': cases}, indent=1))
