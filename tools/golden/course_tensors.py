"""The course's tensor session (slides 1.4-1.5), as printed by PyTorch.

Run with Debian's python3-torch:
    /usr/bin/python3 tools/golden/course_tensors.py > src/test/resources/golden/course_tensors.txt
The example `tensors` (examples/src/main/java/dev/nabla/examples/Tensors.java) prints the same lines with
Nabla; TensorsTest compares the two line by line.
"""
import torch


def show(command, value):
    print(">>> " + command)
    print(value)


# 1.4: tensor basics and linear operations
x = torch.empty(2, 5)
show("x.size()", x.size())
show("x.fill_(1.125)", x.fill_(1.125))
show("x.mean()", x.mean())
show("x.std()", x.std())
show("x.sum()", x.sum())
show("x.sum().item()", x.sum().item())

x = torch.tensor([[1., 3., 0., 2.], [2., 4., 6., 1.], [9., 7., 5., 8.]])
show("x", x)
show("x.mean()", x.mean())
show("x.mean(0)", x.mean(0))
show("x.std(1)", x.std(1))
show("x.sum(1)", x.sum(1))
show("x[1, 2]", x[1, 2])
show("x[1]", x[1])
show("x[:, 2]", x[:, 2])
show("x[1:3, :]", x[1:3, :])
show("x[:, -1]", x[:, -1])
x[:, 1:3] = -1
show("x[:, 1:3] = -1; x", x)
x[0, :] = torch.tensor([10., 20., 30., 40.])
show("x[0, :] = torch.tensor([10., 20., 30., 40.]); x", x)

n = torch.arange(12).view(3, 4)
show("n", n)
show("n[1:, ::2]", n[1:, ::2])

m = torch.tensor([[0., 0., 3.], [0., 2., 0.], [1., 0., 0.]])
v = torch.tensor([-1., 2., 4.])
show("m.mv(v)", m.mv(v))
show("m @ v", m @ v)
show("m @ m", m @ m)
show("m.t() @ v", m.t() @ v)
show("v @ v", v @ v)

# 1.5: high-dimension tensors
x = torch.zeros(2, 3, 4)
show("x.narrow(2, 1, 2).fill_(1.0)", x.narrow(2, 1, 2).fill_(1.0))
show("x", x)

a = torch.full((2, 3), 1.0)
b = a.view(-1)
b[1] = 2
a[1, 2] = 7
show("a = torch.full((2, 3), 1.0); b = a.view(-1); b[1] = 2; a[1, 2] = 7; a", a)
show("b", b)
show("a.view(3, 2)", a.view(3, 2))

x = torch.arange(6.).view(2, 3)
show("x.t()", x.t())
show("x.transpose(0, 1)", x.transpose(0, 1))
y = torch.arange(24.).view(2, 3, 4)
show("y.transpose(0, 2).size()", y.transpose(0, 2).size())
show("y.transpose(0, 2)[3]", y.transpose(0, 2)[3])
show("y.narrow(1, 1, 2).reshape(2, 8)", y.narrow(1, 1, 2).reshape(2, 8))

x = torch.tensor([[1.], [2.], [3.]])
show("x.expand(3, 4)", x.expand(3, 4))
show("torch.tensor([1., 2., 3.]).expand(2, 3)", torch.tensor([1., 2., 3.]).expand(2, 3))

A = torch.tensor([[1.], [2.], [3.], [4.]])
B = torch.tensor([[5., -5., 5., -4., 5.]])
show("A + B", A + B)
show("A.expand(4, 5) + B.expand(4, 5)", A.expand(4, 5) + B.expand(4, 5))
show("A * B", A * B)
show("(A + B).mean(0)", (A + B).mean(0))
