"""Fits the coefficients of FastMath (layers/src/main/java/dev/nabla/layers/kernels/FastMath.java): the float32
exp's polynomial and the float32 erf's rational function. Weighted least squares, re-weighted towards equal ripple
(Lawson's iteration; for the rational function also Sanathanan-Koerner's division by the previous denominator),
against float64 references from torch. Run with Debian's torch and numpy:

    /usr/bin/python3 tools/kernels/fit_fast_math.py

It prints the coefficients (as Java float literals) and the fit's maximum error in float64 arithmetic.
"""
import math

import numpy as np
import torch


def lawson(a, f, weight, iterations=60):
    """min over c of max |weight·(a·c − f)|, approximately: least squares with multiplicative re-weighting."""
    w = np.ones(len(f))
    c = None
    for _ in range(iterations):
        sw = np.sqrt(w) * weight
        c, *_ = np.linalg.lstsq(a * sw[:, None], f * sw, rcond=None)
        e = np.abs(weight * (a @ c - f))
        w = w * (e + 1e-30)
        w /= w.sum()
    return c


def cheb_points(lo, hi, n):
    k = np.arange(n)
    return (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)


# exp(r) = 1 + r + r²·R(r) on |r| ≤ ln2/2 (after x = k·ln2 + r), relative error.
r = cheb_points(-math.log(2) / 2, math.log(2) / 2, 4001)
r = r[np.abs(r) > 1e-6]
target = (np.exp(r) - 1 - r) / (r * r)
deg = 4
a = np.stack([r ** j for j in range(deg + 1)], axis=1)
c_exp = lawson(a, target, (r * r) / np.exp(r))
approx = 1 + r + r * r * (a @ c_exp)
print("exp: R coefficients r^0..r^%d:" % deg, ", ".join("%.10ef" % v for v in c_exp))
print("exp: max relative error %.3e" % np.max(np.abs(approx / np.exp(r) - 1)))

# erf(w) = w·P(w²)/Q(w²) on 0 ≤ w ≤ 4 (erf(4) rounds to 1 in float32), absolute error.
W_MAX = 4.0
w = cheb_points(0, W_MAX, 6001)
ref = torch.erf(torch.tensor(w, dtype=torch.float64)).numpy()
s = w * w
f = ref / w
np_, nq = 7, 5   # P of degree np_ − 1, Q of degree nq (q0 = 1)
q = np.ones(len(s))
for it in range(12):
    # P(s) − f·(Q(s) − 1) = f, divided by the previous Q (Sanathanan-Koerner), weighted by w for the absolute error of erf.
    a = np.concatenate([np.stack([s ** j for j in range(np_)], 1), np.stack([-f * s ** j for j in range(1, nq + 1)], 1)], 1)
    c = lawson(a / q[:, None], f / q, w, iterations=40)
    p_c, q_c = c[:np_], np.concatenate([[1.0], c[np_:]])
    q = sum(q_c[j] * s ** j for j in range(nq + 1))
approx = w * sum(p_c[j] * s ** j for j in range(np_)) / q
print("erf: P coefficients s^0..:", ", ".join("%.10ef" % v for v in p_c))
print("erf: Q coefficients s^0..:", ", ".join("%.10ef" % v for v in q_c))
print("erf: max absolute error on [0, %g]: %.3e (min Q %.3g)" % (W_MAX, np.max(np.abs(approx - ref)), q.min()))
