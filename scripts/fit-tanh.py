#!/usr/bin/env python3
"""How the fast kernels' tanh was made (src/runtime/kernels/wasm/assembly/math.ts).

tanh(x) ~ x * P(x^2) / Q(x^2) on [0, 9], P and Q of degree 4, Q(0) = 1: linearized least squares
(x P(s) - tanh(x) Q(s) = 0), reweighted towards the worst points for a near-minimax fit. Prints
the coefficients and the maximum absolute error of the function and of its float32 evaluation
(Horner's rule in float32, as the kernel computes it) over [-9, 9]; beyond 9 the kernel clamps,
where 1 - tanh(9) < 3.1e-8.

  /usr/bin/python3 scripts/fit-tanh.py
"""
import numpy as np

DP, DQ, LIMIT = 4, 4, 9.0


def fit(iterations=30):
    xs = np.concatenate([np.linspace(0, LIMIT, 20000), LIMIT * (1 - np.cos(np.linspace(0, np.pi / 2, 20000)))])
    xs = xs[xs > 1e-4]
    f, s = np.tanh(xs), xs ** 2
    weight, q_at = np.ones_like(xs), np.ones_like(xs)
    for _ in range(iterations):
        a = np.concatenate([np.stack([xs * s ** k for k in range(DP + 1)], 1),
                            np.stack([-f * s ** k for k in range(1, DQ + 1)], 1)], 1)
        w = weight / np.abs(q_at)
        sol, *_ = np.linalg.lstsq(a * w[:, None], f * w, rcond=None)
        p, q = sol[:DP + 1], np.concatenate([[1.0], sol[DP + 1:]])
        q_at = sum(q[k] * s ** k for k in range(DQ + 1))
        err = np.abs(xs * sum(p[k] * s ** k for k in range(DP + 1)) / q_at - f)
        weight = weight * (1 + 5 * err / err.max())
    return p, q, err.max()


def float32_error(p, q):
    x = np.linspace(-LIMIT, LIMIT, 2000001).astype(np.float32)
    s = x * x
    pv, qv = np.float32(p[-1]), np.float32(q[-1])
    for k in range(DP - 1, -1, -1):
        pv = (pv * s + np.float32(p[k])).astype(np.float32)
    for k in range(DQ - 1, -1, -1):
        qv = (qv * s + np.float32(q[k])).astype(np.float32)
    return np.abs((x * pv / qv).astype(np.float64) - np.tanh(x.astype(np.float64))).max()


p, q, err = fit()
print("P =", [float(c) for c in p])
print("Q =", [float(c) for c in q])
print(f"max |error| as a function: {err:.3g}; in float32: {float32_error(p, q):.3g}")
