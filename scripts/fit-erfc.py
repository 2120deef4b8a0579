#!/usr/bin/env python3
"""How the fast kernels' erfc was made (gelu in src/runtime/kernels/wasm/assembly/math.ts).

erfc(z) ~ t * exp(u * D(u) - z^2) for z >= 0, with t = 1 / (1 + 0.4 z), u = 1 - t = 0.4 z t and D
of degree 8: the form of Chebyshev's classic fit in t, written in u so that the exponent vanishes
at z = 0 (erfc(0) = 1 exactly) and its coefficients stay small. Coefficients of our own: least
squares on log(erfc(z)) + z^2 - log(t) (so the error is relative), reweighted towards the worst
points for a near-minimax fit, over z in [0, 10]; beyond 10, erfc(z) < 2.1e-45 underflows
float32, and the kernel clamps z there. Prints the coefficients and the maximum relative error of
the function.

  python3 scripts/fit-erfc.py     (needs numpy and mpmath)
"""
import mpmath
import numpy as np

DEGREE, P, LIMIT = 9, 0.4, 10.0
mpmath.mp.dps = 40


def fit(iterations=40):
    zs = np.concatenate([np.linspace(0, 6, 6000), np.linspace(6, LIMIT, 3000)[1:]])
    ts = 1 / (1 + P * zs)
    us = 1 - ts
    g = np.array([float(mpmath.log(mpmath.erfc(z)) + mpmath.mpf(z) ** 2) for z in zs]) - np.log(ts)
    a = np.stack([us ** k for k in range(1, DEGREE + 1)], 1)
    weight = np.ones_like(zs)
    for _ in range(iterations):
        d, *_ = np.linalg.lstsq(a * weight[:, None], g * weight, rcond=None)
        err = np.abs(a @ d - g)
        weight = weight * (1 + 5 * err / err.max())
    # |log(approx) - log(erfc)| is the relative error, to first order
    return d, err.max()


d, err = fit()
print("D =", [float(x) for x in d])
print(f"max relative error as a function: {err:.3g}")
