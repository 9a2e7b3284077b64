"""Golden values from PyTorch for Nabla's Tensor ops and printing.

Run from the repository root, with Debian's python3-torch (1.13):

    python3 tools/golden/make_golden.py

(if `python3` on PATH is another interpreter without torch, use /usr/bin/python3).

It writes src/test/resources/golden/ops.json (read by GoldenOpsTest) and
src/test/resources/golden/format.json (read by GoldenFormatTest). The output is deterministic:
every random tensor comes from one seeded generator, so running it twice gives identical files.

An op case is
    {"name", "op", "args", "inputs": [tensor], "outputs": [tensor], "weights": [tensor|null],
     "grads": [tensor|null], "error": bool}
where a tensor is {"shape", "dtype", "data" (flat, row-major), "requires_grad"}; bools are 0/1.
The gradients are those of sum_i sum(outputs[i] * weights[i]) with respect to each input that
requires grad (float64 inputs, so the Java side compares at ~1e-10). "op" and "args" name a Nabla
call; GoldenOpsTest maps each op id to a lambda. args["pre"] ("t" or an index spec) makes the op
see a non-contiguous view of its first input. Java has one add(double) for Python's int and float
scalars: Nabla takes an integral scalar as a Python int, so the cases here pass those as ints.
"""
import json
import math
import os

import torch

ROOT = os.path.join("src", "test", "resources", "golden")
GEN = torch.Generator().manual_seed(20240607)

F64, F32, I64, I32, BOOL = torch.float64, torch.float32, torch.int64, torch.int32, torch.bool


def randn(*shape, dtype=F64):
    return torch.randn(tuple(shape), generator=GEN, dtype=F64).to(dtype)


def pos(*shape, dtype=F64):
    """Positive values away from zero (for log, sqrt, pow bases, divisors)."""
    return (torch.rand(tuple(shape), generator=GEN, dtype=F64) * 1.5 + 0.5).to(dtype)


def nonzero(*shape, dtype=F64):
    """Values of either sign with |x| >= 0.5."""
    s = torch.randint(0, 2, tuple(shape), generator=GEN).to(F64) * 2 - 1
    return (pos(*shape) * s).to(dtype)


def ints(*shape, lo=-5, hi=6, dtype=I64):
    return torch.randint(lo, hi, tuple(shape), generator=GEN).to(dtype)


def small(*shape, dtype=F32):
    """Small integers as floats, so that comparisons see ties."""
    return torch.randint(-2, 3, tuple(shape), generator=GEN).to(dtype)


def distinct(*shape, dtype=F64):
    """No ties, so that max/min/argmax have one answer."""
    n = math.prod(shape)
    return (torch.randperm(n, generator=GEN).to(F64) * 0.37 - n * 0.15).reshape(shape).to(dtype)


def enc(t):
    requires_grad = bool(t.requires_grad)
    t = t.detach()
    data = t.reshape(-1).tolist()
    if t.dtype == BOOL:
        data = [1 if v else 0 for v in data]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": data,
            "requires_grad": requires_grad}


CASES = []
NAMES = set()


def pre_view(x, pre):
    """The non-contiguous view args["pre"] names: "t" or an index spec."""
    return x.t() if pre == "t" else eval("x[" + pre + "]", {"x": x})


def case(name, op, fn, inputs, args=None, grad=True, error=False):
    """fn(*inputs) is the PyTorch reference of Nabla's `op` with `args`; float64 inputs get grads when grad is set.

    With args["pre"], the op sees a view of the first input (its transpose, or an index like "::2"),
    so that ops are checked on non-contiguous data; the gradient is still that of the leaf input.
    """
    if args and "pre" in args:
        inner, pre = fn, args["pre"]
        fn = lambda x, *rest: inner(pre_view(x, pre), *rest)
    assert name not in NAMES, name
    NAMES.add(name)
    ins = []
    for t in inputs:
        t = t.clone()
        if grad and t.dtype == F64:
            t.requires_grad_()
        ins.append(t)
    c = {"name": name, "op": op, "args": args or {}, "inputs": [enc(t) for t in ins], "error": error}
    if error:
        try:
            fn(*ins)
        except (RuntimeError, IndexError, ValueError):
            CASES.append(c)
            return
        raise AssertionError("expected an error: " + name)
    out = fn(*ins)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    c["outputs"] = [enc(o) for o in outs]
    if any(t.requires_grad for t in ins):
        weights, loss = [], 0
        for o in outs:
            if o.requires_grad:
                w = randn(*o.shape, dtype=o.dtype)
                weights.append(w)
                loss = loss + (o * w).sum()
            else:
                weights.append(None)
        needs = [t for t in ins if t.requires_grad]
        gs = torch.autograd.grad(loss, needs, allow_unused=True)
        gs = {id(t): (g if g is not None else torch.zeros_like(t)) for t, g in zip(needs, gs)}
        c["weights"] = [enc(w) if w is not None else None for w in weights]
        c["grads"] = [enc(gs[id(t)]) if t.requires_grad else None for t in ins]
    CASES.append(c)


def s(shape):
    return "x".join(map(str, shape)) if shape else "0d"


# ------------------------------------------------------------------ binary, with broadcasting
BROADCAST = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 5)), ((2, 1, 3), (4, 1)), ((3,), ()), ((), (2, 2)), ((), ())]
BINARY = {
    "add": (lambda a, b: a + b, randn, randn),
    "sub": (lambda a, b: a - b, randn, randn),
    "mul": (lambda a, b: a * b, randn, randn),
    "div": (lambda a, b: a / b, randn, nonzero),
    "pow": (lambda a, b: a ** b, pos, randn),
}
for op, (fn, ga, gb) in BINARY.items():
    for sa, sb in BROADCAST:
        case(f"{op}/{s(sa)},{s(sb)}", op, fn, [ga(*sa), gb(*sb)])
case("pow/zero base", "pow", lambda a, b: a ** b, [torch.tensor([0.0, 2.0, 0.0], dtype=F64), torch.tensor([2.0, 1.5, 3.0], dtype=F64)])
case("add/grad only b", "add", lambda a, b: a + b, [randn(2, 3).to(F32), randn(3)], grad=True)

# dtype promotion
DT = [
    ("int64+float32", "add", ints(3), randn(3, dtype=F32)),
    ("int64+int64", "add", ints(3), ints(3)),
    ("int32+int64", "add", ints(3, dtype=I32), ints(3)),
    ("float32+float64", "add", randn(3, dtype=F32), randn(3, dtype=F64)),
    ("bool+int64", "add", torch.tensor([True, False, True]), ints(3)),
    ("int64-int32", "sub", ints(2, 2), ints(2, dtype=I32)),
    ("int64*float32", "mul", ints(2, 3), randn(3, dtype=F32)),
    ("int64/int64", "div", ints(2, 3), torch.tensor([2, -3, 4])),
    ("int32/int32", "div", ints(3, dtype=I32), torch.tensor([2, 4, -8], dtype=I32)),
    ("float32+float64 0d", "add", randn(3, dtype=F32), torch.tensor(2.5, dtype=F64)),
    ("int64+float64 0d", "add", ints(3), torch.tensor(2.5, dtype=F64)),
    ("int32+int64 0d", "add", ints(3, dtype=I32), torch.tensor(7)),
    ("float64 0d*float32 0d", "mul", torch.tensor(1.5, dtype=F64), torch.tensor(2.0, dtype=F32)),
    ("float32 0d*int64", "mul", torch.tensor(1.5, dtype=F32), ints(2)),
    ("int64 pow int64", "pow", ints(3, lo=0, hi=4), torch.tensor([2, 3, 1])),
]
for name, op, a, b in DT:
    case(f"{op}/dtype {name}", op, BINARY[op][0], [a, b], grad=False)
case("add/error not broadcastable", "add", lambda a, b: a + b, [randn(2, 3), randn(2)], grad=False, error=True)

# scalar overloads
SCALAR = {
    "add_scalar": lambda x, c: x + c, "sub_scalar": lambda x, c: x - c, "mul_scalar": lambda x, c: x * c,
    "div_scalar": lambda x, c: x / c, "rsub": lambda x, c: c - x, "rdiv": lambda x, c: c / x,
    "pow_scalar": lambda x, c: x ** c,
}
for op, fn in SCALAR.items():
    for c in ([2.5, -1.0] if op != "pow_scalar" else [2.0, 3.0, 0.5, -1.0, 0.0, 1.5]):
        gen = nonzero if op == "rdiv" else pos if op == "pow_scalar" else randn
        case(f"{op}/{c}", op, lambda x, c=c, fn=fn: fn(x, c), [gen(2, 3)], {"c": c})
    case(f"{op}/0d", op, lambda x, fn=fn: fn(x, 2.0), [pos(dtype=F64)], {"c": 2.0})
    case(f"{op}/float32", op, lambda x, fn=fn: fn(x, 3.0), [pos(4, dtype=F32)], {"c": 3.0}, grad=False)
    # Java has one add(double): Nabla takes an integral scalar as a Python int, a fractional one as a float
    for c in [2, 0.5]:
        case(f"{op}/int64 {c}", op, lambda x, c=c, fn=fn: fn(x, c), [ints(4, lo=1, hi=6)], {"c": c}, grad=False)
case("add_scalar/bool int", "add_scalar", lambda x: x + 1, [torch.tensor([True, False])], {"c": 1}, grad=False)
case("mul_scalar/bool float", "mul_scalar", lambda x: x * 1.5, [torch.tensor([True, False])], {"c": 1.5}, grad=False)
case("pow_scalar/error int64 negative", "pow_scalar", lambda x: x ** -1, [ints(3, lo=1, hi=4)], {"c": -1}, grad=False, error=True)

# ------------------------------------------------------------------ unary
UNARY = {
    "neg": (torch.neg, randn), "exp": (torch.exp, randn), "log": (torch.log, pos), "sqrt": (torch.sqrt, pos),
    "abs": (torch.abs, nonzero), "sign": (torch.sign, nonzero), "sin": (torch.sin, randn), "cos": (torch.cos, randn),
    "tanh": (torch.tanh, randn), "sigmoid": (torch.sigmoid, randn), "relu": (torch.relu, nonzero),
}
for op, (fn, gen) in UNARY.items():
    case(f"{op}/2x3", op, fn, [gen(2, 3)])
    case(f"{op}/0d", op, fn, [gen()])
    case(f"{op}/float32", op, fn, [gen(5, dtype=F32)], grad=False)
    case(f"{op}/int64", op, fn, [ints(5, lo=1, hi=5) if op in ("log", "sqrt") else ints(5)], grad=False)
case("sign/zero", "sign", torch.sign, [torch.tensor([0.0, -2.0, 3.0], dtype=F64)])
case("abs/int32", "abs", torch.abs, [ints(4, dtype=I32)], grad=False)

INF = float("inf")
for lo, hi in [(-0.5, 0.5), (-INF, 0.3), (-0.3, INF), (0.2, 0.2)]:
    case(f"clamp/{lo},{hi}", "clamp", lambda x, lo=lo, hi=hi: torch.clamp(x, lo, hi), [randn(3, 4)], {"min": lo, "max": hi})
case("clamp/int64", "clamp", lambda x: torch.clamp(x, -2, 3), [ints(6)], {"min": -2.0, "max": 3.0}, grad=False)
case("clamp/int64 one-sided", "clamp", lambda x: torch.clamp(x, max=1), [ints(6)], {"min": -INF, "max": 1}, grad=False)
case("clamp/int64 fractional", "clamp", lambda x: torch.clamp(x, -2.5, 3.5), [ints(6)], {"min": -2.5, "max": 3.5}, grad=False)
case("clamp/float32", "clamp", lambda x: torch.clamp(x, -0.5, 0.5), [randn(5, dtype=F32)], {"min": -0.5, "max": 0.5}, grad=False)

# ------------------------------------------------------------------ comparisons
CMP = {"eq": torch.eq, "ne": torch.ne, "gt": torch.gt, "ge": torch.ge, "lt": torch.lt, "le": torch.le}
for op, fn in CMP.items():
    case(f"{op}/2x3,3", op, fn, [small(2, 3), small(3)], grad=False)
    case(f"{op}/4x1,1x5", op, fn, [small(4, 1), small(1, 5)], grad=False)
    case(f"{op}/int64,float64", op, fn, [ints(4, lo=-2, hi=3), small(4, dtype=F64)], grad=False)
    case(f"{op}/0d", op, fn, [small(3), small()], grad=False)
    case(f"{op}_scalar/0.0", f"{op}_scalar", lambda x, fn=fn: fn(x, 0.0), [small(2, 3)], {"c": 0.0}, grad=False)
    case(f"{op}_scalar/int64 1.5", f"{op}_scalar", lambda x, fn=fn: fn(x, 1.5), [ints(5, lo=-1, hi=4)], {"c": 1.5}, grad=False)
    case(f"{op}_scalar/int64 1", f"{op}_scalar", lambda x, fn=fn: fn(x, 1), [ints(5, lo=-1, hi=4)], {"c": 1.0}, grad=False)

# ------------------------------------------------------------------ reductions
for op, fn in {"sum": torch.sum, "mean": torch.mean}.items():
    case(f"{op}/all", op, fn, [randn(3, 4)])
    case(f"{op}/all 0d", op, fn, [randn()])
    case(f"{op}/dim 1", op, lambda x, fn=fn: fn(x, 1), [randn(3, 4)], {"dims": [1], "keepdim": False})
    case(f"{op}/dim -1 keepdim", op, lambda x, fn=fn: fn(x, -1, keepdim=True), [randn(3, 4)], {"dims": [-1], "keepdim": True})
    case(f"{op}/dims 0,2", op, lambda x, fn=fn: fn(x, (0, 2)), [randn(2, 3, 4)], {"dims": [0, 2], "keepdim": False})
    case(f"{op}/dims 2,0 keepdim", op, lambda x, fn=fn: fn(x, (2, 0), keepdim=True), [randn(2, 3, 4)], {"dims": [2, 0], "keepdim": True})
    case(f"{op}/float32 dim 0", op, lambda x, fn=fn: fn(x, 0), [randn(3, 4, dtype=F32)], {"dims": [0], "keepdim": False}, grad=False)
case("sum/int64", "sum", torch.sum, [ints(2, 3)], grad=False)
case("sum/int64 dim", "sum", lambda x: torch.sum(x, 1), [ints(2, 3)], {"dims": [1], "keepdim": False}, grad=False)
case("sum/int32", "sum", torch.sum, [ints(2, 3, dtype=I32)], grad=False)
case("sum/bool", "sum", torch.sum, [torch.tensor([True, False, True, True])], grad=False)
case("mean/error int64", "mean", torch.mean, [ints(3)], grad=False, error=True)

for op, fn in {"var": torch.var, "std": torch.std}.items():
    case(f"{op}/all", op, fn, [randn(3, 4)])
    case(f"{op}/all biased", op, lambda x, fn=fn: fn(x, unbiased=False), [randn(3, 4)], {"unbiased": False})
    case(f"{op}/dim 1", op, lambda x, fn=fn: fn(x, 1), [randn(3, 4)], {"dims": [1], "keepdim": False})
    case(f"{op}/dim 0 keepdim", op, lambda x, fn=fn: fn(x, 0, keepdim=True), [randn(3, 4)], {"dims": [0], "keepdim": True})
    case(f"{op}/dims 0,2 biased", op, lambda x, fn=fn: fn(x, (0, 2), unbiased=False), [randn(2, 3, 4)],
         {"dims": [0, 2], "unbiased": False, "keepdim": False})
    case(f"{op}/dims -1,0 unbiased keepdim", op, lambda x, fn=fn: fn(x, (-1, 0), unbiased=True, keepdim=True), [randn(2, 3, 4)],
         {"dims": [-1, 0], "unbiased": True, "keepdim": True})
    case(f"{op}/float32", op, fn, [randn(6, dtype=F32)], grad=False)

for op, fn in {"max": torch.max, "min": torch.min}.items():
    case(f"{op}/all", op, fn, [distinct(3, 4)])
    case(f"{op}/all ties", op, fn, [torch.tensor([1.0, 3.0, -3.0, 3.0, -3.0], dtype=F64)])
    case(f"{op}/all int64", op, fn, [ints(2, 3)], grad=False)
    case(f"{op}_dim/1", f"{op}_dim", lambda x, fn=fn: tuple(fn(x, 1)), [distinct(3, 4)], {"dim": 1, "keepdim": False})
    case(f"{op}_dim/0 keepdim", f"{op}_dim", lambda x, fn=fn: tuple(fn(x, 0, keepdim=True)), [distinct(3, 4)], {"dim": 0, "keepdim": True})
    case(f"{op}_dim/-1 3d", f"{op}_dim", lambda x, fn=fn: tuple(fn(x, -1)), [distinct(2, 3, 4)], {"dim": -1, "keepdim": False})
    case(f"{op}_dim/int64", f"{op}_dim", lambda x, fn=fn: tuple(fn(x, 0)), [torch.tensor([[1, 7], [5, 2], [3, 9]])],
         {"dim": 0, "keepdim": False}, grad=False)
for op, fn in {"argmax": torch.argmax, "argmin": torch.argmin}.items():
    case(f"{op}/all", op, fn, [distinct(3, 4)], grad=False)
    case(f"{op}/dim 1", op, lambda x, fn=fn: fn(x, 1), [distinct(3, 4)], {"dim": 1, "keepdim": False}, grad=False)
    case(f"{op}/dim 0 keepdim", op, lambda x, fn=fn: fn(x, 0, keepdim=True), [distinct(3, 4)], {"dim": 0, "keepdim": True}, grad=False)
    case(f"{op}/int64 dim -1", op, lambda x, fn=fn: fn(x, -1), [torch.tensor([[4, 1, 8], [0, 6, 2]])], {"dim": -1, "keepdim": False}, grad=False)
    case(f"{op}/float32 all", op, fn, [distinct(5, dtype=F32)], grad=False)

for p in [1.0, 2.0, 3.0, INF]:
    case(f"norm/p={p} all", "norm", lambda x, p=p: torch.norm(x, p), [nonzero(3, 4)], {"p": p})
    case(f"norm/p={p} dim 1", "norm", lambda x, p=p: torch.norm(x, p, 1), [nonzero(3, 4)], {"p": p, "dim": 1, "keepdim": False})
    case(f"norm/p={p} dim 0 keepdim", "norm", lambda x, p=p: torch.norm(x, p, 0, keepdim=True), [nonzero(3, 4)],
         {"p": p, "dim": 0, "keepdim": True})
    case(f"dist/p={p}", "dist", lambda a, b, p=p: torch.dist(a, b, p), [randn(2, 3), randn(3)], {"p": p})
case("norm/default", "norm", torch.norm, [randn(5)], {})
case("norm/p=2 zero vector", "norm", lambda x: torch.norm(x, 2), [torch.zeros(3, dtype=F64)], {"p": 2.0})
case("norm/float32", "norm", lambda x: torch.norm(x, 2), [randn(4, dtype=F32)], {"p": 2.0}, grad=False)

# ------------------------------------------------------------------ linear algebra
case("mm/2x3,3x4", "mm", torch.mm, [randn(2, 3), randn(3, 4)])
case("mm/float32", "mm", torch.mm, [randn(2, 3, dtype=F32), randn(3, 2, dtype=F32)], grad=False)
case("mm/error inner", "mm", torch.mm, [randn(2, 3), randn(2, 3)], grad=False, error=True)
case("mv/3x4,4", "mv", torch.mv, [randn(3, 4), randn(4)])
case("bmm/2x3x4,2x4x5", "bmm", torch.bmm, [randn(2, 3, 4), randn(2, 4, 5)])
case("dot/4", "dot", torch.dot, [randn(4), randn(4)])
MATMUL = [((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 3)), ((2, 3), (3, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)),
          ((4, 5), (2, 5, 3)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]
for sa, sb in MATMUL:
    case(f"matmul/{s(sa)},{s(sb)}", "matmul", torch.matmul, [randn(*sa), randn(*sb)])
case("matmul/error", "matmul", torch.matmul, [randn(2, 3), randn(4, 2)], grad=False, error=True)

# ------------------------------------------------------------------ views
case("view/6,-1", "view", lambda x: x.view(6, -1), [randn(2, 3, 4)], {"shape": [6, -1]})
case("view/-1", "view", lambda x: x.view(-1), [randn(2, 3)], {"shape": [-1]})
case("view/0d to 1", "view", lambda x: x.view(1, 1), [randn()], {"shape": [1, 1]})
case("reshape/4,-1", "reshape", lambda x: x.reshape(4, -1), [randn(2, 3, 4)], {"shape": [4, -1]})
case("reshape/empty shape", "reshape", lambda x: x.reshape(()), [randn(1, 1)], {"shape": []})
case("t_reshape/-1", "t_reshape", lambda x: x.t().reshape(-1), [randn(2, 3)], {"shape": [-1]})
case("t/2x3", "t", lambda x: x.t(), [randn(2, 3)])
case("t/1d", "t", lambda x: x.t(), [randn(3)])
case("transpose/0,2", "transpose", lambda x: x.transpose(0, 2), [randn(2, 3, 4)], {"dim0": 0, "dim1": 2})
case("transpose/-1,-2", "transpose", lambda x: x.transpose(-1, -2), [randn(2, 3, 4)], {"dim0": -1, "dim1": -2})
case("permute/2,0,1", "permute", lambda x: x.permute(2, 0, 1), [randn(2, 3, 4)], {"dims": [2, 0, 1]})
case("permute/-1,0,1", "permute", lambda x: x.permute(-1, 0, 1), [randn(2, 3, 4)], {"dims": [-1, 0, 1]})
case("narrow/1,1,2", "narrow", lambda x: x.narrow(1, 1, 2), [randn(3, 4)], {"dim": 1, "start": 1, "length": 2})
case("narrow/0,-2,2", "narrow", lambda x: x.narrow(0, -2, 2), [randn(3, 4)], {"dim": 0, "start": -2, "length": 2})
case("select/0,1", "select", lambda x: x.select(0, 1), [randn(3, 4)], {"dim": 0, "index": 1})
case("select/-1,-1", "select", lambda x: x.select(-1, -1), [randn(2, 3, 4)], {"dim": -1, "index": -1})
case("select/1d", "select", lambda x: x.select(0, 2), [randn(4)], {"dim": 0, "index": 2})
case("expand/3x1 to 2x3x4", "expand", lambda x: x.expand(2, 3, 4), [randn(3, 1)], {"shape": [2, 3, 4]})
case("expand/-1", "expand", lambda x: x.expand(2, -1, 5), [randn(3, 1)], {"shape": [2, -1, 5]})
case("expand/0d", "expand", lambda x: x.expand(2, 2), [randn()], {"shape": [2, 2]})
case("squeeze/all", "squeeze", lambda x: x.squeeze(), [randn(1, 3, 1, 2)])
case("squeeze/2", "squeeze", lambda x: x.squeeze(2), [randn(1, 3, 1, 2)], {"dim": 2})
case("squeeze/not 1", "squeeze", lambda x: x.squeeze(1), [randn(1, 3, 1, 2)], {"dim": 1})
case("squeeze/-4", "squeeze", lambda x: x.squeeze(-4), [randn(1, 3, 1, 2)], {"dim": -4})
for d in [0, 1, -1, -3]:
    case(f"unsqueeze/{d}", "unsqueeze", lambda x, d=d: x.unsqueeze(d), [randn(2, 3)], {"dim": d})
case("unsqueeze/0d", "unsqueeze", lambda x: x.unsqueeze(0), [randn()], {"dim": 0})
case("flatten/all", "flatten", lambda x: x.flatten(), [randn(2, 3, 4)])
case("flatten/1,2", "flatten", lambda x: x.flatten(1, 2), [randn(2, 3, 4, 2)], {"start": 1, "end": 2})
case("flatten/0d", "flatten", lambda x: x.flatten(), [randn()])
case("flatten/t", "t_flatten", lambda x: x.t().flatten(), [randn(3, 2)])

INDEX = {
    (4, 5): [":, 1:3", "0", "-1", "::2, 1:", "..., 0", "None, 1", ":, -2:", "1:3, ::3", "0, 1", ":, None", "5:", "-10:2", "1:-1, 2"],
    (3, 4, 5): ["..., 0", "0, ...", "1, ..., 2:", ":, None, 1", "::2, ::2, ::2", "...", "None, ..., None", "-1, -1, -1"],
}
for shape, specs in INDEX.items():
    for spec in specs:
        def py(x, spec=spec):
            return eval("x[" + spec + "]", {"x": x})
        case(f"index/{s(shape)} [{spec}]", "index", py, [randn(*shape)], {"spec": spec})
case("index/error out of range", "index", lambda x: x[5], [randn(4, 5)], {"spec": "5"}, grad=False, error=True)
case("index/error too many", "index", lambda x: x[0, 0, 0], [randn(4, 5)], {"spec": "0, 0, 0"}, grad=False, error=True)

# ------------------------------------------------------------------ joining, splitting, gathering
case("cat/dim 0", "cat", lambda *t: torch.cat(t, 0), [randn(2, 3), randn(1, 3), randn(3, 3)], {"dim": 0})
case("cat/dim 1", "cat", lambda *t: torch.cat(t, 1), [randn(2, 3), randn(2, 1)], {"dim": 1})
case("cat/dim -1 3d", "cat", lambda *t: torch.cat(t, -1), [randn(2, 2, 3), randn(2, 2, 2)], {"dim": -1})
case("cat/int64", "cat", lambda *t: torch.cat(t, 0), [ints(2), ints(3)], {"dim": 0}, grad=False)
for d in [0, 1, -1]:
    case(f"stack/dim {d}", "stack", lambda *t, d=d: torch.stack(t, d), [randn(2, 3), randn(2, 3), randn(2, 3)], {"dim": d})
case("chunk/3 dim 1", "chunk", lambda x: x.chunk(3, 1), [randn(2, 7)], {"chunks": 3, "dim": 1})
case("chunk/2 dim 0", "chunk", lambda x: x.chunk(2, 0), [randn(4, 3)], {"chunks": 2, "dim": 0})
case("chunk/4 of 6", "chunk", lambda x: x.chunk(4, 0), [randn(6)], {"chunks": 4, "dim": 0})
case("split/2 dim 1", "split", lambda x: x.split(2, 1), [randn(2, 5)], {"size": 2, "dim": 1})
case("split/3 dim 0", "split", lambda x: x.split(3, 0), [randn(6, 2)], {"size": 3, "dim": 0})
case("split_sizes/1,3,1", "split_sizes", lambda x: x.split([1, 3, 1], 1), [randn(2, 5)], {"sizes": [1, 3, 1], "dim": 1})
case("index_select/dim 0 repeats", "index_select", lambda x, i: x.index_select(0, i), [randn(3, 4), torch.tensor([2, 0, 2])], {"dim": 0})
case("index_select/dim 1", "index_select", lambda x, i: x.index_select(1, i), [randn(3, 4), torch.tensor([3, 1])], {"dim": 1})
case("index_select/dim -1 3d", "index_select", lambda x, i: x.index_select(-1, i), [randn(2, 3, 4), torch.tensor([0, 0, 3])], {"dim": -1})
case("gather/dim 0", "gather", lambda x, i: x.gather(0, i), [randn(3, 4), torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])], {"dim": 0})
case("gather/dim 1", "gather", lambda x, i: x.gather(1, i), [randn(3, 4), torch.tensor([[3, 3], [0, 1], [2, 0]])], {"dim": 1})
case("gather/dim -1 3d", "gather", lambda x, i: x.gather(-1, i), [randn(2, 3, 4), ints(2, 3, 2, lo=0, hi=4)], {"dim": -1})
case("where/same shape", "where", torch.where, [randn(2, 3) > 0, randn(2, 3), randn(2, 3)])
case("where/broadcast b", "where", torch.where, [randn(2, 3) > 0, randn(2, 3), randn(3)])
case("where/broadcast cond", "where", torch.where, [randn(2, 1) > 0, randn(2, 3), randn()])
case("where/broadcast all", "where", torch.where, [randn(3) > 0, randn(2, 1), randn(2, 3)])
case("masked_select/same shape", "masked_select", torch.masked_select, [randn(3, 4), randn(3, 4) > 0])
case("masked_select/broadcast", "masked_select", torch.masked_select, [randn(2, 3), torch.tensor([True, False, True])])
case("index_mask/same shape", "index_mask", lambda x, m: x[m], [randn(2, 3), randn(2, 3) > 0])
case("masked_fill/same shape", "masked_fill", lambda x, m: x.masked_fill(m, -7.5), [randn(2, 3), randn(2, 3) > 0], {"value": -7.5})
case("masked_fill/broadcast", "masked_fill", lambda x, m: x.masked_fill(m, 2.0), [randn(2, 3), torch.tensor([False, True, True])], {"value": 2.0})
case("masked_fill/int64", "masked_fill", lambda x, m: x.masked_fill(m, 9), [ints(4), torch.tensor([True, False, True, False])], {"value": 9.0}, grad=False)
case("clone/2x3", "clone", torch.clone, [randn(2, 3)])
case("contiguous/t", "t_contiguous", lambda x: x.t().contiguous(), [randn(2, 3)])
case("contiguous/already", "contiguous", lambda x: x.contiguous(), [randn(2, 3)])

# ------------------------------------------------------------------ in place (values; the output is the changed tensor)
def inplace(name, op, fn, inputs, args=None):
    case(f"{op}/{name}", op, fn, inputs, args, grad=False)


inplace("2x3 += 3", "add_", lambda x, o: x.add_(o), [randn(2, 3), randn(3)])
inplace("scalar", "add__scalar", lambda x: x.add_(1.5), [randn(2, 3)], {"c": 1.5})
inplace("int64 scalar", "add__scalar", lambda x: x.add_(2), [ints(3)], {"c": 2})
inplace("float32 += int64", "add_", lambda x, o: x.add_(o), [randn(3, dtype=F32), ints(3)])
inplace("2x3 -= 2x1", "sub_", lambda x, o: x.sub_(o), [randn(2, 3), randn(2, 1)])
inplace("scalar", "sub__scalar", lambda x: x.sub_(0.25), [randn(4)], {"c": 0.25})
inplace("2x3 *= 0d", "mul_", lambda x, o: x.mul_(o), [randn(2, 3), randn()])
inplace("scalar", "mul__scalar", lambda x: x.mul_(-2.0), [randn(4)], {"c": -2.0})
inplace("2x3 /= 3", "div_", lambda x, o: x.div_(o), [randn(2, 3), nonzero(3)])
inplace("scalar", "div__scalar", lambda x: x.div_(4.0), [randn(4)], {"c": 4.0})
case("div_/error int64", "div__scalar", lambda x: x.div_(2.0), [ints(3)], {"c": 2.0}, grad=False, error=True)
case("add_/error broadcast to self", "add_", lambda x, o: x.add_(o), [randn(3), randn(2, 3)], grad=False, error=True)
inplace("-0.5,0.5", "clamp_", lambda x: x.clamp_(-0.5, 0.5), [randn(3, 3)], {"min": -0.5, "max": 0.5})
inplace("-inf,0", "clamp_", lambda x: x.clamp_(max=0.0), [randn(4)], {"min": -INF, "max": 0.0})
inplace("3.25", "fill_", lambda x: x.fill_(3.25), [randn(2, 2)], {"value": 3.25})
inplace("int64", "fill_", lambda x: x.fill_(7), [ints(3)], {"value": 7})
inplace("2x2", "zero_", lambda x: x.zero_(), [randn(2, 2)])
inplace("broadcast 3 into 2x3", "copy_", lambda x, o: x.copy_(o), [randn(2, 3), randn(3)])
inplace("float64 into float32", "copy_", lambda x, o: x.copy_(o), [randn(3, dtype=F32), randn(3)])
inplace("int64 into float32", "copy_", lambda x, o: x.copy_(o), [randn(2, 2, dtype=F32), ints(2)])
inplace("masked_fill_", "masked_fill_", lambda x, m: x.masked_fill_(m, -1.0), [randn(2, 3), torch.tensor([True, False, True])], {"value": -1.0})


def through(spec, fn):
    def go(x, *rest):
        fn(eval("x[" + spec + "]", {"x": x}), *rest)
        return x
    return go


# writes through views: the output is the base
inplace("[:, 1:3] = -1", "index_fill_", through(":, 1:3", lambda v: v.fill_(-1.0)), [randn(3, 4)], {"spec": ":, 1:3", "value": -1.0})
inplace("[0] = 5", "index_fill_", through("0", lambda v: v.fill_(5.0)), [randn(3, 4)], {"spec": "0", "value": 5.0})
inplace("[::2, 1:] = 0", "index_fill_", through("::2, 1:", lambda v: v.fill_(0.0)), [randn(4, 5)], {"spec": "::2, 1:", "value": 0.0})
inplace("[..., -1] = 2", "index_fill_", through("..., -1", lambda v: v.fill_(2.0)), [randn(2, 3, 4)], {"spec": "..., -1", "value": 2.0})
inplace("[1:, None, ::2] = 3", "index_fill_", through("1:, None, ::2", lambda v: v.fill_(3.0)), [randn(3, 4)],
        {"spec": "1:, None, ::2", "value": 3.0})
inplace("[:, 1] copy_", "index_copy_", through(":, 1", lambda v, o: v.copy_(o)), [randn(3, 4), randn(3)], {"spec": ":, 1"})
inplace("[1:3, :2] copy_ broadcast", "index_copy_", through("1:3, :2", lambda v, o: v.copy_(o)), [randn(4, 4), randn(2)],
        {"spec": "1:3, :2"})
inplace("[:, ::2] add_", "index_add_", through(":, ::2", lambda v, o: v.add_(o)), [randn(3, 4), randn(3, 2)], {"spec": ":, ::2"})
inplace("[0] mul_ 3", "index_mul__scalar", through("0", lambda v: v.mul_(3.0)), [randn(2, 3)], {"spec": "0", "c": 3.0})
inplace("narrow mul_", "narrow_mul__scalar", lambda x: (x.narrow(1, 1, 2).mul_(10.0), x)[1], [randn(3, 4)],
        {"dim": 1, "start": 1, "length": 2, "c": 10.0})
inplace("select zero_", "select_zero_", lambda x: (x.select(1, 2).zero_(), x)[1], [randn(3, 4)], {"dim": 1, "index": 2})
inplace("t add_", "t_add_", lambda x, o: (x.t().add_(o), x)[1], [randn(2, 3), randn(3, 2)])
inplace("view fill_", "view_fill_", lambda x: (x.view(-1)[2:4].fill_(8.0), x)[1], [randn(2, 3)], {"spec": "2:4", "value": 8.0})
inplace("clamp_ through view", "index_clamp_", through("1", lambda v: v.clamp_(-0.1, 0.1)), [randn(3, 3)],
        {"spec": "1", "min": -0.1, "max": 0.1})


# ------------------------------------------------------------------ non-contiguous inputs (transposed, strided, expanded)
T = {"pre": "t"}
case("exp/transposed", "exp", torch.exp, [randn(3, 2)], T)
case("sigmoid/strided", "sigmoid", torch.sigmoid, [randn(4, 5)], {"pre": "::2, 1::2"})
case("abs/strided", "abs", torch.abs, [nonzero(6)], {"pre": "1::2"})
case("add/transposed + 3", "add", lambda a, b: a + b, [randn(3, 2), randn(3)], T)
case("mul/transposed * 2x3", "mul", lambda a, b: a * b, [randn(3, 2), randn(2, 3)], T)
case("div/strided / 0d", "div", lambda a, b: a / b, [randn(4, 4), nonzero()], {"pre": "::2, ::3"})
case("mul/expanded", "mul", lambda a, b: a * b, [randn(3), randn(2, 3)], {"pre": "None, :"})
case("pow_scalar/transposed", "pow_scalar", lambda x: x ** 2.0, [randn(3, 2)], {"pre": "t", "c": 2.0})
case("clamp/transposed", "clamp", lambda x: x.clamp(-0.5, 0.5), [randn(3, 2)], {"pre": "t", "min": -0.5, "max": 0.5})
case("gt/transposed", "gt", torch.gt, [small(3, 2), small(3)], T, grad=False)
case("sum/transposed dim 0", "sum", lambda x: x.sum(0), [randn(3, 2)], {"pre": "t", "dims": [0], "keepdim": False})
case("sum/strided all", "sum", torch.sum, [randn(4, 5)], {"pre": "1:, ::2"})
case("mean/transposed dim 1 keepdim", "mean", lambda x: x.mean(1, keepdim=True), [randn(3, 2)], {"pre": "t", "dims": [1], "keepdim": True})
case("var/transposed dim 0", "var", lambda x: x.var(0), [randn(3, 4)], {"pre": "t", "dims": [0], "keepdim": False})
case("max_dim/transposed", "max_dim", lambda x: tuple(x.max(1)), [distinct(3, 2)], {"pre": "t", "dim": 1, "keepdim": False})
case("argmax/transposed dim 0", "argmax", lambda x: x.argmax(0), [distinct(3, 2)], {"pre": "t", "dim": 0, "keepdim": False}, grad=False)
case("argmin/strided all", "argmin", lambda x: x.argmin(), [distinct(4, 5)], {"pre": "::2, 1:"}, grad=False)
case("norm/transposed dim 1", "norm", lambda x: x.norm(2, 1), [randn(3, 2)], {"pre": "t", "p": 2.0, "dim": 1, "keepdim": False})
case("mm/transposed", "mm", torch.mm, [randn(3, 2), randn(3, 4)], T)
case("matmul/strided 3d", "matmul", torch.matmul, [randn(2, 3, 8), randn(4, 5)], {"pre": "..., ::2"})
case("mv/transposed", "mv", torch.mv, [randn(4, 3), randn(4)], T)
case("mm/strided", "mm", torch.mm, [randn(4, 6), randn(3, 2)], {"pre": "::2, ::2"})
case("bmm/strided", "bmm", torch.bmm, [randn(2, 3, 8), randn(2, 4, 5)], {"pre": "..., 1::2"})
case("dot/strided", "dot", torch.dot, [randn(8), randn(4)], {"pre": "::2"})
case("cat/transposed first", "cat", lambda *t: torch.cat(t, 0), [randn(3, 2), randn(1, 3)], {"pre": "t", "dim": 0})
case("index_select/transposed", "index_select", lambda x, i: x.index_select(0, i), [randn(3, 4), torch.tensor([3, 0])], {"pre": "t", "dim": 0})
case("gather/transposed", "gather", lambda x, i: x.gather(1, i), [randn(3, 2), torch.tensor([[2, 0], [1, 1]])], {"pre": "t", "dim": 1})
case("masked_fill/transposed", "masked_fill", lambda x, m: x.masked_fill(m, 0.5), [randn(3, 2), randn(2, 3) > 0], {"pre": "t", "value": 0.5})
case("masked_select/transposed", "masked_select", torch.masked_select, [randn(3, 2), randn(2, 3) > 0], T)
case("index/transposed [:, 1:]", "index", lambda x: x[:, 1:], [randn(3, 2)], {"pre": "t", "spec": ":, 1:"})
case("clone/transposed", "clone", torch.clone, [randn(3, 2)], T)
case("contiguous/strided", "contiguous", lambda x: x.contiguous(), [randn(4, 5)], {"pre": "::2, ::2"})
case("reshape/strided", "reshape", lambda x: x.reshape(-1), [randn(4, 5)], {"pre": "::2, 1:", "shape": [-1]})
case("view/error transposed", "view", lambda x: x.view(-1), [randn(3, 2)], {"pre": "t", "shape": [-1]}, grad=False, error=True)
case("squeeze/expanded", "sum", lambda x: x.sum(), [randn(3, 1)], {"pre": "None, :, :"})
case("cat/dtype float32,float64", "cat", lambda *t: torch.cat(t, 0), [randn(2, dtype=F32), randn(3)], {"dim": 0}, grad=False)
case("stack/dtype int64,float32", "stack", lambda *t: torch.stack(t, 0), [ints(2), randn(2, dtype=F32)], {"dim": 0}, grad=False)
case("where/dtype int64,float32", "where", torch.where, [randn(3) > 0, ints(3), randn(3, dtype=F32)], grad=False)
case("where/dtype int64,float64 0d", "where", torch.where, [randn(3) > 0, ints(3), torch.tensor(0.5, dtype=F64)], grad=False)

# ------------------------------------------------------------------ special values (nan, inf, empty), values only
NAN = float("nan")
SPECIAL = torch.tensor([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0], dtype=F64)
for op in ["exp", "log", "sqrt", "abs", "sign", "sigmoid", "tanh", "relu", "neg"]:
    case(f"{op}/special values", op, UNARY[op][0], [SPECIAL], grad=False)
case("clamp/nan", "clamp", lambda x: x.clamp(-0.5, 0.5), [SPECIAL], {"min": -0.5, "max": 0.5}, grad=False)
case("div/by zero", "div", lambda a, b: a / b, [torch.tensor([1.0, -1.0, 0.0]), torch.tensor([0.0, 0.0, 0.0])], grad=False)
case("div/int64 by zero", "div", lambda a, b: a / b, [torch.tensor([1, -1, 0]), torch.tensor([0, 0, 0])], grad=False)
case("pow/zero to zero", "pow", lambda a, b: a ** b, [torch.tensor([0.0, 0.0, -8.0]), torch.tensor([0.0, -1.0, 1.0 / 3])], grad=False)
case("eq/nan", "eq", torch.eq, [SPECIAL, SPECIAL], grad=False)
case("ne/nan", "ne", torch.ne, [SPECIAL, SPECIAL], grad=False)
case("max/nan", "max", torch.max, [torch.tensor([1.0, NAN, 3.0])], grad=False)
case("max_dim/nan", "max_dim", lambda x: tuple(x.max(1)), [torch.tensor([[1.0, NAN, 3.0], [4.0, 2.0, 0.0]])], {"dim": 1, "keepdim": False}, grad=False)
case("sum/empty", "sum", torch.sum, [torch.zeros(0, 3)], grad=False)
case("sum/empty dim 0", "sum", lambda x: x.sum(0), [torch.zeros(0, 3)], {"dims": [0], "keepdim": False}, grad=False)
case("mean/empty", "mean", torch.mean, [torch.zeros(0)], grad=False)
case("max/error empty", "max", torch.max, [torch.zeros(0)], grad=False, error=True)
case("exp/overflow float32", "exp", torch.exp, [torch.tensor([100.0, -200.0])], grad=False)

# ------------------------------------------------------------------ in place under autograd (the op replaces its input on the tape)
case("inplace_chain/add_ mul_", "inplace_chain", lambda x, b, c: (x * 1.0).add_(b).mul_(c), [randn(2, 3), randn(3), randn(2, 3)])
case("inplace_chain/sub_ div_ scalar", "inplace_chain_scalar", lambda x: (x * 1.0).sub_(0.5).div_(4.0).clamp_(-0.1, 0.1), [randn(2, 3)])

# ------------------------------------------------------------------ printing
def fmt_case(name, t, pre=None):
    """With pre (an index spec), the printed tensor is that view of the given one."""
    c = {"name": name, "tensor": enc(t), "str": str(pre_view(t, pre) if pre else t)}
    if pre:
        c["pre"] = pre
    return c


big = torch.arange(2000, dtype=F32).reshape(40, 50) / 7
FORMAT = [
    ("float int mode", torch.tensor([1.0, 2.0])),
    ("float int mode negative", torch.tensor([-1.0, 20.0, 300.0])),
    ("fixed 4 decimals", torch.tensor([1.125, -2.5, 0.3333])),
    ("fixed widths", torch.tensor([[1.5, -12.25], [100.125, 0.0]])),
    ("sci large ratio", torch.tensor([1.0, 12345.678])),
    ("sci tiny", torch.tensor([1e-5, 0.5])),
    ("sci huge", torch.tensor([1e9, 2.0e9])),
    ("sci negative", torch.tensor([-1.5e-7, 3.0, -2.0e3])),
    ("0-d float", torch.tensor(3.5)),
    ("0-d int mode", torch.tensor(-2.0)),
    ("0-d int64", torch.tensor(7)),
    ("2-d", torch.tensor([[1.0, 2.5], [-3.25, 4.0]])),
    ("3-d", torch.arange(12, dtype=F32).reshape(2, 3, 2) / 4),
    ("4-d", torch.arange(16).reshape(2, 2, 2, 2)),
    ("long vector wraps", torch.arange(30, dtype=F32) / 3),
    ("long int vector wraps", torch.arange(100, 140)),
    ("summarized 1-d", torch.arange(1500, dtype=F32)),
    ("summarized 2-d", big),
    ("int64", torch.tensor([1, -20, 300])),
    ("int64 2-d", torch.tensor([[1, 2], [30, -4]])),
    ("bool", torch.tensor([True, False, True])),
    ("bool 2-d", torch.tensor([[True], [False]])),
    ("float64", torch.tensor([1.5, 2.25], dtype=F64)),
    ("float64 int mode", torch.tensor([1.0, 2.0], dtype=F64)),
    ("int32", torch.tensor([1, 2, 3], dtype=I32)),
    ("requires_grad", torch.tensor([1.0, 2.5]).requires_grad_()),
    ("float64 requires_grad", torch.tensor([[0.5], [1.0]], dtype=F64).requires_grad_()),
    ("nan inf", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5])),
    ("nan inf int mode", torch.tensor([float("nan"), 2.0, float("inf")])),
    ("all nan", torch.tensor([float("nan"), float("nan")])),
    ("zeros", torch.zeros(2, 3)),
    ("negative zero", torch.tensor([-0.0, 1.0])),
    ("rounding half even", torch.tensor([0.00005, 1.23455, 2.5], dtype=F64)),
    ("empty 1-d", torch.tensor([])),
    ("empty 2-d", torch.zeros(0, 3)),
    ("empty int64", torch.zeros(2, 0, dtype=I64)),
    ("empty bool", torch.zeros(0, dtype=BOOL)),
    ("nan and zero", torch.tensor([float("nan"), 0.0])),
    ("randn", randn(3, 4, dtype=F32)),
    ("randn float64", randn(2, 3)),
    ("summarized int64", torch.arange(2000)),
    ("summarized 3-d", torch.arange(2 * 30 * 40, dtype=F32).reshape(2, 30, 40)),
    ("float16", torch.tensor([0.5, 1.25], dtype=torch.float16)),
    ("int mode sci", torch.tensor([1.0, 1e9])),
    ("fixed half even", torch.tensor([1.23455, 0.12345, 2.00005], dtype=F64)),
]
VIEWS = [  # printing non-contiguous views
    ("strided 3-d view", torch.arange(48, dtype=F32).reshape(2, 4, 6) / 8, "1:, ::2, 1::2"),
    ("strided 2-d view", torch.arange(30).reshape(5, 6), "::2, 1::3"),
    ("transposed-like view", torch.arange(24, dtype=F32).reshape(2, 3, 4), "..., 2:"),
]


def main():
    os.makedirs(ROOT, exist_ok=True)
    with open(os.path.join(ROOT, "ops.json"), "w") as f:
        lines = [json.dumps(c, separators=(",", ":")) for c in CASES]
        f.write('{"torch":' + json.dumps(torch.__version__) + ',"cases":[\n' + ",\n".join(lines) + "\n]}\n")
    with open(os.path.join(ROOT, "format.json"), "w") as f:  # one case a line, so that diffs stay readable
        lines = [json.dumps(fmt_case(*c), separators=(",", ":")) for c in FORMAT + VIEWS]
        f.write('{"torch":' + json.dumps(torch.__version__) + ',"cases":[\n' + ",\n".join(lines) + "\n]}\n")
    print(f"{len(CASES)} op cases, {len(FORMAT) + len(VIEWS)} format cases written to {ROOT}")


if __name__ == "__main__":
    main()
