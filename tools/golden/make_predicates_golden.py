"""PyTorch goldens for issue 18's tensor ops: equal, allclose, isclose, all, any, cumsum, cumprod, and the refusal
of std/var on integer tensors. Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_predicates_golden.py

It writes src/test/resources/golden/predicates.json, read by PredicatesGoldenTest, in make_golden.py's case format:
    {"name", "op", "args", "inputs": [tensor], "outputs": [tensor], "weights": [tensor|null], "grads": [tensor|null],
     "error": bool}
a tensor being {"shape", "dtype", "data" (flat, row-major; bools 0/1), "requires_grad"}. Float64 inputs require grad
(for the differentiable ops); the grads are those of sum(out * weights) with respect to each. args["pre"] ("t" or an
index spec such as ":, 1:") makes the op see a non-contiguous (or offset) view of its first input. Python booleans
(equal, allclose) are written as 0-d bool tensors. The output is deterministic (one seeded generator).
PredicatesGoldenTest runs the cumsum/cumprod cases also with Scan's block and part size set to a few elements (and
two threads), so that the small shapes here take the kernel's paths of several blocks, chunks and threads.
"""
import json
import math
import os

import torch

OUT = os.path.join("src", "test", "resources", "golden", "predicates.json")
GEN = torch.Generator().manual_seed(20261218)
F64, F32, I64, I32, U8, BOOL = torch.float64, torch.float32, torch.int64, torch.int32, torch.uint8, torch.bool
NAN, INF = float("nan"), float("inf")
DIFFERENTIABLE = {"cumsum", "cumprod"}


def randn(*shape, dtype=F64):
    return torch.randn(tuple(shape), generator=GEN, dtype=F64).to(dtype)


def ints(*shape, lo=-5, hi=6, dtype=I64):
    return torch.randint(lo, hi, tuple(shape), generator=GEN).to(dtype)


def enc(t):
    if isinstance(t, bool):
        t = torch.tensor(t)
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
    return x.t() if pre == "t" else eval("x[" + pre + "]", {"x": x})


def case(name, op, fn, inputs, args=None, error=False):
    """fn(*inputs) is PyTorch's result for Nabla's `op` with `args`."""
    assert name not in NAMES, name
    NAMES.add(name)
    args = args or {}
    if "pre" in args:
        inner, pre = fn, args["pre"]
        fn = lambda x, *rest: inner(pre_view(x, pre), *rest)
    ins = []
    for t in inputs:
        t = t.clone()
        if op in DIFFERENTIABLE and t.dtype == F64:
            t.requires_grad_()
        ins.append(t)
    c = {"name": name, "op": op, "args": args, "inputs": [enc(t) for t in ins], "error": error}
    if error:
        try:
            fn(*ins)
        except (RuntimeError, IndexError, ValueError) as e:
            c["message"] = str(e).splitlines()[0]
            CASES.append(c)
            return
        raise AssertionError("expected an error: " + name)
    out = fn(*ins)
    c["outputs"] = [enc(out)]
    if isinstance(out, torch.Tensor) and out.requires_grad:
        w = randn(*out.shape, dtype=out.dtype)
        needs = [t for t in ins if t.requires_grad]
        gs = torch.autograd.grad((out * w).sum(), needs)
        gs = {id(t): g for t, g in zip(needs, gs)}
        c["weights"] = [enc(w)]
        c["grads"] = [enc(gs[id(t)]) if t.requires_grad else None for t in ins]
    CASES.append(c)


def tol(args):
    return {k: args[k] for k in ("rtol", "atol", "equal_nan") if k in args}


# ---------------------------------------------------------------- equal

a = randn(3, 4)
case("equal/same values", "equal", torch.equal, [a, a])
case("equal/one element differs", "equal", torch.equal, [a, a.clone().index_put_((torch.tensor(2), torch.tensor(1)), torch.tensor(9.0, dtype=F64))])
case("equal/float32 vs float64 promotes (0.1f != 0.1)", "equal", torch.equal, [torch.tensor([0.1]), torch.tensor([0.1], dtype=F64)])
case("equal/float32 vs int64", "equal", torch.equal, [torch.tensor([1.0, 2.0]), torch.tensor([1, 2])])
case("equal/bool vs int64", "equal", torch.equal, [torch.tensor([True, False]), torch.tensor([1, 0])])
case("equal/shapes differ, no broadcasting", "equal", torch.equal, [torch.ones(3), torch.ones(1, 3)])
case("equal/empty vs empty of another shape", "equal", torch.equal, [torch.zeros(0), torch.zeros(0, 2)])
case("equal/empty vs empty", "equal", torch.equal, [torch.zeros(2, 0), torch.zeros(2, 0)])
case("equal/[1] vs 0-d", "equal", torch.equal, [torch.zeros(1), torch.zeros(())])
case("equal/nan is never equal", "equal", torch.equal, [torch.tensor([1.0, NAN]), torch.tensor([1.0, NAN])])
case("equal/inf equals inf", "equal", torch.equal, [torch.tensor([INF, -INF]), torch.tensor([INF, -INF])])
case("equal/transposed view vs its copy", "equal", lambda x, y: torch.equal(x, y), [a, a.t().contiguous()], {"pre": "t"})

# ---------------------------------------------------------------- isclose / allclose

for op, fn in {"isclose": torch.isclose, "allclose": torch.allclose}.items():
    def go(args, fn=fn):
        return lambda x, y: fn(x, y, **tol(args))

    x = randn(4, 5)
    near = x + 1e-9 * randn(4, 5)
    case(f"{op}/defaults, near", op, go({}), [x, near])
    case(f"{op}/defaults, far", op, go({}), [x, x + 1e-3 * randn(4, 5)])
    args = {"rtol": 1e-3, "atol": 1e-4}
    y = x.clone()
    y[0] += 2e-3 * x[0].abs()        # outside rtol
    y[1] += 5e-4 * x[1].abs()        # inside rtol
    case(f"{op}/rtol and atol", op, go(args), [x, y], args)
    args = {"rtol": 0.0, "atol": 0.5}
    case(f"{op}/atol only", op, go(args), [x, x + randn(4, 5) * 0.4], args)
    args = {"rtol": 0.0, "atol": 0.0}
    case(f"{op}/exact", op, go(args), [x, torch.where(x > 0, x, x + 1e-12)], args)
    infs = torch.tensor([INF, -INF, NAN, INF, 1.0, NAN, -INF], dtype=F64)
    other = torch.tensor([INF, INF, NAN, 1e300, 1.0, 1.0, -INF], dtype=F64)
    case(f"{op}/inf and nan", op, go({}), [infs, other])
    args = {"equal_nan": True}
    case(f"{op}/inf and nan, equal_nan", op, go(args), [infs, other], args)
    args = {"rtol": 0.0, "atol": 0.0, "equal_nan": True}
    case(f"{op}/nan, exact, equal_nan", op, go(args), [torch.tensor([1.0, NAN]), torch.tensor([1.0, NAN])], args)
    case(f"{op}/broadcast [4,1] with [3]", op, go({}), [torch.tensor([[1.0], [2.0], [3.0], [4.0]]), torch.tensor([1.0, 2.0, 3.00001])])
    f = torch.tensor([1.0, 100.0, 1e-7, -3.0]) 
    case(f"{op}/float32 at the bound", op, go({}), [f, f * (1 + torch.tensor([1e-5, 9e-6, 0.0, 1.1e-5]))])
    args = {"rtol": 0.5, "atol": 0.0}
    case(f"{op}/int64 rtol", op, go(args), [torch.tensor([1, 2, 10, -4]), torch.tensor([2, 3, 14, -9])], args)
    args = {"rtol": 0.0, "atol": 1.0}
    case(f"{op}/int64 atol", op, go(args), [torch.tensor([1, 2, 5]), torch.tensor([2, 2, 3])], args)
    case(f"{op}/int64 defaults", op, go({}), [torch.tensor([1, 2]), torch.tensor([1, 3])])
    args = {"rtol": 0.0, "atol": 1.0}
    case(f"{op}/bool atol", op, go(args), [torch.tensor([True, False]), torch.tensor([True, True])], args)
    case(f"{op}/transposed view", op, go({}), [x, x.t().contiguous()], {"pre": "t"})
    case(f"{op}/error dtypes differ", op, go({}), [torch.ones(2), torch.ones(2, dtype=F64)], error=True)
    case(f"{op}/error float vs int", op, go({}), [torch.ones(2), torch.ones(2, dtype=I64)], error=True)
    args = {"rtol": -1.0}
    case(f"{op}/error negative rtol", op, go(args), [torch.ones(2), torch.ones(2)], args, error=True)
    args = {"atol": -1.0}
    case(f"{op}/error negative atol", op, go(args), [torch.ones(2), torch.ones(2)], args, error=True)
    case(f"{op}/error shapes do not broadcast", op, go({}), [torch.ones(2), torch.ones(3)], error=True)

# ---------------------------------------------------------------- all / any

for op in ("all", "any"):
    def red(args, op=op):
        if "dim" not in args:
            return lambda x: getattr(x, op)()
        return lambda x: getattr(x, op)(args["dim"], keepdim=args.get("keepdim", False))

    z = ints(4, 5, lo=0, hi=2).bool()
    z[0] = True
    z[1] = False
    for name, x in [("bool", z), ("int64", ints(4, 5, lo=0, hi=3)), ("float32", ints(4, 5, lo=0, hi=3).float()),
                    ("float64", ints(4, 5, lo=0, hi=3).double()), ("uint8", ints(4, 5, lo=0, hi=3, dtype=U8))]:
        case(f"{op}/{name}", op, red({}), [x])
        for args in [{"dim": 0}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": -2, "keepdim": False}]:
            case(f"{op}/{name} dim {args['dim']}{' keepdim' if args.get('keepdim') else ''}", op, red(args), [x], args)
    case(f"{op}/all true", op, red({}), [torch.ones(3, 2)])
    case(f"{op}/all false", op, red({}), [torch.zeros(3, 2)])
    case(f"{op}/nan is true", op, red({}), [torch.tensor([NAN, 1.0])])
    case(f"{op}/nan and zero", op, red({}), [torch.tensor([NAN, 0.0])])
    case(f"{op}/-0.0 is false", op, red({}), [torch.tensor([-0.0, 1.0])])
    case(f"{op}/empty", op, red({}), [torch.zeros(0)])
    case(f"{op}/empty dim 1", op, red({"dim": 1}), [torch.zeros(2, 0)], {"dim": 1})
    case(f"{op}/empty dim 0", op, red({"dim": 0}), [torch.zeros(2, 0)], {"dim": 0})
    case(f"{op}/0-d", op, red({}), [torch.tensor(3.0)])
    case(f"{op}/0-d dim 0", op, red({"dim": 0}), [torch.tensor(0.0)], {"dim": 0})
    case(f"{op}/0-d dim -1 keepdim", op, red({"dim": -1, "keepdim": True}), [torch.tensor(2.0)], {"dim": -1, "keepdim": True})
    x3 = ints(2, 3, 4, lo=0, hi=4)
    case(f"{op}/3-d dim 1", op, red({"dim": 1}), [x3], {"dim": 1})
    case(f"{op}/transposed view dim 1", op, red({"dim": 1}), [z], {"pre": "t", "dim": 1})
    case(f"{op}/error dim out of range", op, red({"dim": 2}), [torch.ones(2, 3)], {"dim": 2}, error=True)
    case(f"{op}/error 0-d dim 1", op, red({"dim": 1}), [torch.tensor(1.0)], {"dim": 1}, error=True)

# ---------------------------------------------------------------- cumsum / cumprod

for op in ("cumsum", "cumprod"):
    def cum(dim, op=op):
        return lambda x: getattr(x, op)(dim)

    small = (lambda *s, dtype=F64: (randn(*s) * 0.5 + 1.0).to(dtype)) if op == "cumprod" else randn   # products that neither vanish nor blow up
    case(f"{op}/1-d", op, cum(0), [small(7)], {"dim": 0})
    for d in (0, 1, -1, -2):
        case(f"{op}/2-d dim {d}", op, cum(d), [small(3, 4)], {"dim": d})
    for d in (0, 1, 2, -1):
        case(f"{op}/3-d dim {d}", op, cum(d), [small(2, 3, 4)], {"dim": d})
    case(f"{op}/transposed view dim 1", op, cum(1), [small(4, 3)], {"pre": "t", "dim": 1})
    case(f"{op}/offset view dim 0", op, cum(0), [small(3, 5)], {"pre": ":, 1:", "dim": 0})
    case(f"{op}/strided view dim -1", op, cum(-1), [small(3, 8)], {"pre": ":, ::2", "dim": -1})
    case(f"{op}/float32 dim 1", op, cum(1), [small(3, 5, dtype=F32)], {"dim": 1})
    case(f"{op}/float32 long lines", op, cum(1), [small(2, 11, dtype=F32)], {"dim": 1})
    case(f"{op}/float32 wide rows dim 0", op, cum(0), [small(3, 7, dtype=F32)], {"dim": 0})
    case(f"{op}/float64 wide rows dim 1", op, cum(1), [small(2, 4, 7)], {"dim": 1})
    case(f"{op}/float64 long lines dim -1", op, cum(-1), [small(3, 11)], {"dim": -1})
    case(f"{op}/int64", op, cum(1), [ints(3, 4)], {"dim": 1})
    case(f"{op}/int32 gives int64", op, cum(0), [ints(3, 4, dtype=I32)], {"dim": 0})
    case(f"{op}/uint8 gives int64", op, cum(0), [ints(5, lo=0, hi=200, dtype=U8)], {"dim": 0})
    case(f"{op}/bool gives int64", op, cum(0), [torch.tensor([True, False, True, True])], {"dim": 0})
    case(f"{op}/int64 wide rows dim 0", op, cum(0), [ints(3, 7, lo=-3, hi=4)], {"dim": 0})
    case(f"{op}/int64 long lines", op, cum(1), [ints(2, 11, lo=-3, hi=4)], {"dim": 1})
    case(f"{op}/0-d", op, cum(0), [torch.tensor(2.5, dtype=F64)], {"dim": 0})
    case(f"{op}/0-d dim -1", op, cum(-1), [torch.tensor(-1.5, dtype=F64)], {"dim": -1})
    case(f"{op}/empty", op, cum(1), [torch.zeros(2, 0)], {"dim": 1})
    case(f"{op}/empty scanned dim 0", op, cum(0), [torch.zeros(0, 3)], {"dim": 0})
    case(f"{op}/error dim out of range", op, cum(2), [torch.ones(2, 3)], {"dim": 2}, error=True)
    case(f"{op}/error 0-d dim 1", op, cum(1), [torch.tensor(1.0)], {"dim": 1}, error=True)
    case(f"{op}/error float16", op, cum(0), [torch.ones(3, dtype=torch.half)], {"dim": 0}, error=True)

case("cumsum/int64 near overflow", "cumsum", lambda x: x.cumsum(0), [torch.tensor([2 ** 62, 2 ** 62, 5])], {"dim": 0})
case("cumprod/int64 wraps", "cumprod", lambda x: x.cumprod(0), [torch.tensor([2 ** 40, 2 ** 30, 3])], {"dim": 0})
for name, v in [("one zero", [1.5, -2.0, 0.0, 3.0, 0.5, 2.0]), ("two zeros", [1.5, 0.0, 2.0, 0.0, -3.0, 0.5]),
                ("zero first", [0.0, 2.0, -1.5, 3.0]), ("zero last", [2.0, -1.5, 3.0, 0.0]), ("all zeros", [0.0, 0.0, 0.0]),
                ("single zero", [0.0])]:
    case(f"cumprod/zeros: {name}", "cumprod", lambda x: x.cumprod(0), [torch.tensor(v, dtype=F64)], {"dim": 0})
zx = randn(3, 5)
zx[0, 2] = 0.0
zx[1, 0] = 0.0
zx[1, 3] = 0.0
zx[2, 4] = 0.0
case("cumprod/zeros in rows dim 1", "cumprod", lambda x: x.cumprod(1), [zx], {"dim": 1})
case("cumprod/zeros in columns dim 0", "cumprod", lambda x: x.cumprod(0), [zx], {"dim": 0})
case("cumprod/zeros, transposed view dim 0", "cumprod", lambda x: x.cumprod(0), [zx], {"pre": "t", "dim": 0})

# ---------------------------------------------------------------- std / var refuse integers, as mean does

for op in ("std", "var"):
    case(f"{op}/error int64", op, lambda x, op=op: getattr(x, op)(), [ints(4)], error=True)
    case(f"{op}/error int32 dim", op, lambda x, op=op: getattr(x, op)(0), [ints(4, 2, dtype=I32)], {"dim": 0}, error=True)
    case(f"{op}/error bool", op, lambda x, op=op: getattr(x, op)(), [torch.tensor([True, False])], error=True)
    case(f"{op}/error uint8", op, lambda x, op=op: getattr(x, op)(), [ints(3, lo=0, hi=9, dtype=U8)], error=True)


def main():
    with open(OUT, "w") as f:
        lines = [json.dumps(c, separators=(",", ":")) for c in CASES]
        f.write('{"torch":' + json.dumps(torch.__version__) + ',"cases":[\n' + ",\n".join(lines) + "\n]}\n")
    print(f"{len(CASES)} cases -> {OUT}")


if __name__ == "__main__":
    main()
