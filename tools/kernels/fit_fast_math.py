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



def rational(x, f, weight, np_, nq, iterations=12):
    """f(x) ≈ P(x²)/Q(x²), q0 = 1, minimising max |weight·(P/Q − f)| (Sanathanan-Koerner, then Lawson)."""
    s = x * x
    q = np.ones(len(s))
    for _ in range(iterations):
        a = np.concatenate([np.stack([s ** j for j in range(np_)], 1), np.stack([-f * s ** j for j in range(1, nq + 1)], 1)], 1)
        c = lawson(a / q[:, None], f / q, weight, iterations=40)
        p_c, q_c = c[:np_], np.concatenate([[1.0], c[np_:]])
        q = sum(q_c[j] * s ** j for j in range(nq + 1))
    return p_c, q_c, sum(p_c[j] * s ** j for j in range(np_)) / q


def show(name, p_c, q_c):
    print(name + ": P coefficients s^0..:", ", ".join("%.10ef" % v for v in p_c))
    print(name + ": Q coefficients s^0..:", ", ".join("%.10ef" % v for v in q_c))


# erf(w) = w·P(w²)/Q(w²) on 0 ≤ w ≤ 4, absolute error, clamped to ±1 by the caller. The target is raised by up to 6e-7
# over 3.8 ≤ w ≤ 4 (where erf is within 8e-8 of 1), so that at the clamp point w = 4 the float evaluation is above 1
# and the clamp makes it exactly 1 (x·(1 + erf) then vanishes for large negative x, as it should).
W_MAX = 4.0
w = cheb_points(0, W_MAX, 6001)
ref = torch.erf(torch.tensor(w, dtype=torch.float64)).numpy()
bump = 6e-7 * np.maximum(0, (w - 3.8) / 0.2) ** 2
p_c, q_c, r = rational(w, (ref + bump) / w, w, 7, 5)
show("erf", p_c, q_c)
print("erf: max |approx − erf| on [0, 3.8]: %.3e; approx(4) − 1 = %.3e" % (
    np.max(np.abs(w * r - ref)[w <= 3.8]), W_MAX * r[np.argmax(w)] - 1))

# GELU's derivative Φ(x) + x·φ(x) = 0.5 + x·P(x²)/Q(x²) on 0 ≤ x ≤ 8 (it is 0.5 plus an odd function), absolute error;
# the caller clamps x to ±8, where the derivative is 1 or 0 to within 1e-13.
X_MAX = 8.0
x = cheb_points(0, X_MAX, 8001)
xt = torch.tensor(x, dtype=torch.float64)
d = (0.5 * torch.erfc(-xt / math.sqrt(2)) + xt * torch.exp(-xt * xt / 2) / math.sqrt(2 * math.pi)).numpy()
p_c, q_c, r = rational(x, (d - 0.5) / x, x, 8, 7)
show("gelu'", p_c, q_c)
print("gelu': max absolute error on [0, %g]: %.3e" % (X_MAX, np.max(np.abs(0.5 + x * r - d))))
