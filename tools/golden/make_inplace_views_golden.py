"""PyTorch goldens for in-place ops on views under autograd (issue 18: CopySlices and the regenerated history of views).

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 tools/golden/make_inplace_views_golden.py

It writes src/test/resources/golden/inplace_views.json (read by InPlaceViewGoldenTest), deterministically. Sections:

* "programs": small programs that write through views of non-leaf tensors (and of buffers that do not require grad,
  with values that do), views of views, several writes in a row on overlapping views, the base read after a write,
  older views used after the base changed. Each has its float64 "inputs" (by name, with requires_grad), the
  "outputs" after the program, their "grad_fn" names, weights "w" (one per output) and the gradients of
  sum_k sum(out_k * w_k) with respect to every input that requires grad ("grads"). InPlaceViewGoldenTest has the same
  programs written with Nabla, under the same names.
* "refusals": what PyTorch refuses (or allows) around them: whether it "raises", at which "stage" ("op" for the
  in-place op itself or a use after it, "backward"), its "message", and a "phrase" of it that Nabla's message must
  contain too.
"""
import json
import os

import torch

OUT = os.path.join("src", "test", "resources", "golden", "inplace_views.json")
GEN = torch.Generator().manual_seed(20261203)
D = torch.float64


def t(x, requires_grad=False):
    x = x.detach()
    name = str(x.dtype).replace("torch.", "")
    data = x.reshape(-1).to(torch.float64).tolist() if x.dtype != torch.bool else x.reshape(-1).int().tolist()
    return {"shape": list(x.shape), "dtype": name, "data": data, "requires_grad": requires_grad}


def randn(*shape):
    return torch.randn(*shape, generator=GEN, dtype=D)


def leaf(*shape):
    return randn(*shape).requires_grad_(True)


PROGRAMS = {}


def program(**shapes):
    """Registers a program; its inputs are float64 leaves of these shapes (a tuple) or fixed tensors (a tensor)."""
    def register(fn):
        PROGRAMS[fn.__name__] = (shapes, fn)
        return fn
    return register


@program(x=(3, 4))
def narrow_mul_scalar(x):
    y = x * 2
    y.narrow(1, 0, 2).mul_(3)
    return [y]


@program(x=(4, 4), a=(4, 2))
def narrow_mul_tensor(x, a):
    y = x * 1
    y.narrow(1, 1, 2).mul_(a)
    return [y]


@program(x=(3, 4), b=(4,))
def select_add_on_sin(x, b):
    y = x.sin() + 1   # sin's backward reads x, which the write does not touch
    y.select(0, 1).add_(b)
    return [y]


@program(x=(3, 4), a=(2, 3))
def narrow_of_transpose(x, a):
    y = x * 1
    y.t().narrow(0, 1, 2).mul_(a)
    return [y]


@program(x=(4, 5), c=(2,))
def select_of_narrow(x, c):
    y = x * 1
    y.narrow(0, 1, 2).select(1, 2).sub_(c)
    return [y]


@program(x=(3, 5))
def slice_pow(x):
    y = x * 1
    y[:, 1:3].pow_(2)
    return [y]


@program(x=(5, 3))
def step_slice_tanh(x):
    y = x * 1
    y[::2, 1].tanh_()
    return [y]


@program(x=(5, 3), a=(3, 3))
def overlapping_writes(x, a):
    y = x * 1
    y.narrow(0, 0, 3).mul_(2)
    y.narrow(0, 1, 3).add_(a)
    y.narrow(0, 2, 2).sigmoid_()
    return [y]


@program(x=(3, 4))
def base_read_after_write(x):
    y = x * 1
    v = y[1]
    v.mul_(3)
    z = y.sum(0) * 1
    return [z, y]


@program(x=(4, 3), a=(2, 3))
def older_view_after_write(x, a):
    y = x * 1
    v1 = y.narrow(0, 0, 2)
    v2 = y.narrow(0, 1, 2)
    v2.mul_(a)
    return [v1, v1 * 1, y]


@program(x=(3, 4))
def older_view_after_base_inplace(x):
    y = x * 1
    v = y[0]
    y.mul_(2)
    return [v.exp(), v]


@program(x=(2, 3))
def copy_into_buffer(x):
    buf = torch.zeros(4, 3, dtype=D)
    buf.narrow(0, 0, 2).copy_(x)
    return [buf]


@program(a=(4,), b=(4,))
def copy_rows_into_buffer(a, b):
    buf = torch.zeros(3, 4, dtype=D)
    v1 = buf[1]
    buf[0].copy_(a)
    buf[2].copy_(b * 2)
    return [buf.sum(1), v1 * 1, buf]


@program(x=(3,))
def buffer_mul_by_value(x):
    buf = torch.ones(2, 3, dtype=D) * 1.5
    buf[0].mul_(x)
    return [buf]


@program(x=(3, 4))
def fill_and_zero_views(x):
    y = x * 1
    y.narrow(1, 0, 1).zero_()
    y[2].fill_(5)
    return [y]


@program(x=(3, 4))
def unary_chain_on_view(x):
    y = x * 1
    v = y.narrow(1, 1, 3)
    v.clamp_(-0.5, 1.0)
    v.mul_(3)
    v.abs_()
    v.relu_()          # saves its result, v: nothing writes to v after it
    return [y, v]


@program(x=(2, 6), a=(4,))
def reshape_view_div(x, a):
    y = x * 1
    y.view(3, 4).narrow(0, 1, 1).div_(a.exp())
    return [y]


@program(x=(2, 3, 4), b=(2, 3))
def permute_select_mul(x, b):
    y = x * 1
    y.permute(2, 0, 1).select(0, 1).mul_(b)
    return [y]


@program(x=(4, 3), mask=torch.tensor([[True, False, True], [False, False, True]]))
def masked_fill_on_view(x, mask):
    y = x * 1
    y[1:3].masked_fill_(mask, 0.5)
    return [y]


@program(x=(3, 4), e=(3,))
def pow_tensor_and_neg(x, e):
    y = x * x + 0.5
    y[:, 1].neg_()
    y[:, 0].pow_(e)    # saves its result: the last write
    return [y]


@program(x=(3, 4), a=(4,))
def use_before_write_keeps_gradient(x, a):
    y = x * 1
    s = y * 2          # uses y before the write: its gradient is the old one
    y[0].mul_(a)
    return [s, y]


@program(x=(3, 4))
def sigmoid_on_select(x):
    y = x * 1
    v = y[1]
    v.sigmoid_()
    return [y, v * 1]


@program(x=(3, 4, 5))
def select_of_select_div(x):
    y = x * 1
    y[1][2].div_(4)
    y[0, :, 1].mul_(y[2, :, 3].detach().clone())
    return [y]


@program(x=(3,), a=(2, 2))
def buffer_column_and_block(x, a):
    buf = torch.zeros(3, 3, dtype=D)
    buf.t()[0].copy_(x)
    buf[1:, 1:].add_(a)
    return [buf]


@program(x=(2, 3), y=(2, 3))
def write_base_then_view_then_base(x, y):
    z = x * 1
    z.add_(y)
    z[0].mul_(y[1])
    z.mul_(2)
    return [z]


@program(x=(4, 5))
def unary_ops_on_rows(x):
    y = x * 1 + 2      # positive: log_ and sqrt_ are defined
    y[0].log_()
    y[1].sin_()
    y[2].cos_()
    y[3].sign_()
    y[:, 4].add_(1.5).sub_(0.25)
    y[1:3, 1:3].exp_()   # saves its result: after it, no write to y
    return [y]


@program(x=(4, 3))
def sqrt_on_column(x):
    y = x * x + 1
    y[:, 1].sqrt_()
    return [y]


@program(x=(4, 3), a=(3, 2))
def transpose_in_place_of_view(x, a):
    y = x * 1
    v = y.narrow(0, 1, 2)
    v.t_()
    v.mul_(a)
    return [y, v * 1]


@program(x=(3, 4))
def base_transposed_in_place_then_old_view(x):
    y = x * 1
    v = y[:, 1]
    y.t_()
    y[0].mul_(3)
    return [v * 1, y]


@program(x=(2, 3, 4), a=(3,))
def unsqueeze_expand_source(x, a):
    y = x * 1
    y.select(2, 1).copy_(a.unsqueeze(0).expand(2, 3))
    y[1].add_(a.unsqueeze(1))
    return [y]


@program(x=(3, 4), a=(3, 0))
def empty_view_write(x, a):
    y = x * 2
    y.narrow(1, 2, 0).mul_(a)
    y[:, 4:].fill_(1)
    return [y]


class ScaleInPlace(torch.autograd.Function):
    """x.mul_(3) in a custom function that marks x dirty (AutogradFunctionTest.ScaleInPlace in Nabla)."""
    @staticmethod
    def forward(ctx, x):
        x.mul_(3)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 3


@program(x=(3, 4))
def custom_function_dirty_view(x):
    y = x * x
    v = y.narrow(1, 1, 2)
    out = ScaleInPlace.apply(v)
    assert out is v
    return [y, v * 1]


def run_program(name, shapes, fn):
    inputs = {}
    for k, s in shapes.items():
        inputs[k] = s.clone() if isinstance(s, torch.Tensor) else leaf(*s)
    outs = fn(**inputs)
    ws = [randn(*o.shape) for o in outs]
    loss = sum((o * w).sum() for o, w in zip(outs, ws))
    loss.backward()
    grad_fns = [type(o.grad_fn).__name__ if o.grad_fn is not None else None for o in outs]
    return {"name": name,
            "inputs": {k: t(v, v.requires_grad) for k, v in inputs.items()},
            "outputs": [t(o) for o in outs], "grad_fn": grad_fns, "w": [t(w) for w in ws],
            "grads": {k: t(v.grad) for k, v in inputs.items() if v.requires_grad}}


# ---------------------------------------------------------------- refusals

def r_saved_then_write_through_view():
    x = leaf(3, 4)
    y = x * 1
    z = y.sin()        # saves y
    y[0].mul_(2)
    return lambda: z.sum().backward()


def r_saved_view_then_write_base():
    x = leaf(3, 4)
    y = x * 1
    v = y[0]
    z = v.sin()        # saves v
    y.mul_(2)
    return lambda: z.sum().backward()


def r_saved_view_then_write_it():
    x = leaf(3, 4)
    y = x * 1
    v = y[0]
    z = v * v
    v.add_(1)
    return lambda: z.sum().backward()


def r_saved_then_write_through_detached_view():
    x = leaf(3, 4)
    y = x * 1
    z = y.sin()
    y.detach()[0].mul_(2)   # shares y's version counter
    return lambda: z.sum().backward()


def r_saved_output_then_write_through_view():
    x = leaf(3, 4)
    y = x.exp()        # exp's backward reads its output y
    y.select(0, 1).add_(1)
    return lambda: y.sum().backward()


def r_saved_inplace_result_then_write():
    x = leaf(3, 4)
    y = x * 1
    y[0].exp_()        # exp_'s backward reads its result, the view
    y.mul_(2)
    return lambda: y.sum().backward()


def r_saved_inplace_result_then_write_plain():
    x = leaf(3, 4)
    y = x * 1
    y.sigmoid_()
    y.add_(1)
    return lambda: y.sum().backward()


def r_unsaved_then_write_through_view():
    x = leaf(3, 4)
    y = x * 1
    z = y * 3          # saves nothing of y
    y[0].mul_(2)
    return lambda: z.sum().backward()


def r_leaf():
    x = leaf(3, 4)
    x.mul_(2)


def r_view_of_leaf():
    x = leaf(3, 4)
    x[0].mul_(2)


def r_view_of_leaf_no_grad():
    x = leaf(3, 4)
    with torch.no_grad():
        x[0].mul_(2)
    x.sum().backward()


def r_view_of_leaf_fill():
    x = leaf(3, 4)
    x.narrow(1, 0, 2).fill_(0)


def r_split_output():
    y = leaf(4, 3) * 1
    y.split(2)[0].mul_(2)


def r_chunk_output():
    y = leaf(4, 3) * 1
    y.chunk(2)[1].add_(1)


def r_split_sizes_output():
    y = leaf(4, 3) * 1
    y.split([1, 3])[1].exp_()


def r_narrow_of_split_output():
    y = leaf(4, 3) * 1
    y.chunk(2)[0].narrow(0, 0, 1).mul_(2)


def r_split_of_buffer_scalar():
    buf = torch.zeros(4, 3, dtype=D)
    buf.split(2)[0].add_(2)


def r_split_of_buffer_value():
    buf = torch.zeros(4, 3, dtype=D)
    x = leaf(2, 3)
    buf.split(2)[0].add_(x)


def r_split_output_no_grad():
    y = leaf(4, 3) * 1
    with torch.no_grad():
        y.split(2)[0].mul_(2)


def r_no_grad_view_grad_write():
    y = leaf(4, 3) * 1
    with torch.no_grad():
        v = y[0]
    v.mul_(2)


def r_no_grad_view_no_grad_write():
    y = leaf(4, 3) * 1
    with torch.no_grad():
        v = y[0]
        v.mul_(2)
    y.sum().backward()


def r_no_grad_view_of_buffer_grad_write_value():
    buf = torch.zeros(4, 3, dtype=D)
    with torch.no_grad():
        v = buf[0]
    v.copy_(leaf(3))


def r_no_grad_view_of_buffer_grad_write_scalar():
    buf = torch.zeros(4, 3, dtype=D)
    with torch.no_grad():
        v = buf[0]
    v.add_(1)


def r_no_grad_view_used_after_base_write():
    y = leaf(4, 3) * 1
    with torch.no_grad():
        v = y[0]
    y.mul_(2)
    return lambda: v * 1


def r_expanded_write():
    y = torch.zeros(3, 1, dtype=D).expand(3, 4)
    y.add_(1)


def r_expanded_view_of_non_leaf_write():
    y = leaf(3, 1) * 1
    y.expand(3, 4).mul_(2)


def r_detached_view_write():
    x = leaf(3, 4)
    y = x * 1
    y.detach()[0].mul_(2)
    y.sum().backward()


def r_partial_overlap_mul():
    y = leaf(6) * 1
    y[0:2].mul_(y[1:3])


def r_partial_overlap_copy():
    y = torch.randn(6, dtype=D)
    y[0:2].copy_(y[1:3])


def r_partial_overlap_rows():
    z = torch.randn(4, 4, dtype=D)
    z[0:2].add_(z[1:3])


def r_partial_overlap_pow():
    y = torch.rand(6, dtype=D)
    y[0:2].pow_(y[1:3])


def r_full_overlap_saved_operand():
    y = leaf(6) * 1
    y.add_(y)
    y.view(2, 3).mul_(y.view(2, 3))   # allowed (a full overlap); mul_ saved the operand, which it then changed
    return lambda: y.sum().backward()


def r_full_overlap_transposed():
    z = torch.randn(4, 4, dtype=D)
    z.add_(z.t())


def r_overlap_of_strided_views_not_checked():
    z = torch.randn(4, 4, dtype=D)
    z[:, 0:2].add_(z[:, 1:3])


def r_disjoint_views_of_one_base():
    y = leaf(6) * 1
    y[0:2].add_(y[2:4])
    y.sum().backward()


REFUSALS = [r_partial_overlap_mul, r_partial_overlap_copy, r_partial_overlap_rows, r_partial_overlap_pow,
            r_full_overlap_saved_operand, r_full_overlap_transposed, r_overlap_of_strided_views_not_checked,
            r_disjoint_views_of_one_base,
            r_saved_then_write_through_view, r_saved_view_then_write_base, r_saved_view_then_write_it,
            r_saved_then_write_through_detached_view, r_saved_output_then_write_through_view,
            r_saved_inplace_result_then_write, r_saved_inplace_result_then_write_plain, r_unsaved_then_write_through_view, r_leaf, r_view_of_leaf,
            r_view_of_leaf_no_grad, r_view_of_leaf_fill, r_split_output, r_chunk_output, r_split_sizes_output,
            r_narrow_of_split_output, r_split_of_buffer_scalar, r_split_of_buffer_value, r_split_output_no_grad,
            r_no_grad_view_grad_write, r_no_grad_view_no_grad_write, r_no_grad_view_of_buffer_grad_write_value,
            r_no_grad_view_of_buffer_grad_write_scalar, r_no_grad_view_used_after_base_write, r_expanded_write,
            r_expanded_view_of_non_leaf_write, r_detached_view_write]

PHRASES = ["modified by an inplace operation", "a view of a leaf Variable that requires grad",
           "a leaf Variable that requires grad", "returns multiple views", "created in no_grad mode",
           "more than one element of the written-to tensor refers to a single memory location",
           "some elements of the input tensor and the written-to tensor refer to a single memory location"]


def run_refusal(fn):
    name = fn.__name__[2:]
    stage, message = None, None
    try:
        stage = "op"
        later = fn()
        if later is not None:
            stage = "backward" if "saved" in name else "op"
            later()
        stage = None
    except RuntimeError as e:
        message = str(e)
    phrase = next((p for p in PHRASES if message is not None and p in message), None)
    assert message is None or phrase is not None, message
    return {"name": name, "raises": message is not None, "stage": stage, "message": message, "phrase": phrase}


def main():
    doc = {"torch": torch.__version__,
           "programs": [run_program(n, s, f) for n, (s, f) in PROGRAMS.items()],
           "refusals": [run_refusal(f) for f in REFUSALS]}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, {k: len(v) for k, v in doc.items() if isinstance(v, list)})
    for r in doc["refusals"]:
        print(r["name"], r["raises"], r["stage"], (r["message"] or "")[:90])


if __name__ == "__main__":
    main()
