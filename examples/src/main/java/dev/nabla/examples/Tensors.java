package dev.nabla.examples;

import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * The course's tensor session (slides 1.4–1.5): fill_, mean / std / sum, indexing, slicing with
 * assignment, mv and @, narrow / view / transpose / expand, broadcasting. It prints what PyTorch prints,
 * line for line (tools/golden/course_tensors.py is the same session in Python).
 */
public final class Tensors {
    private Tensors() {}

    public static void main(String[] args) {
        Figures.args("tensors", args).only();

        // 1.4: tensor basics and linear operations
        Tensor x = Tensor.empty(2, 5);
        show("x.size()", size(x));
        show("x.fill_(1.125)", x.fill_(1.125));
        show("x.mean()", x.mean());
        show("x.std()", x.std());
        show("x.sum()", x.sum());
        show("x.sum().item()", x.sum().item());

        x = Tensor.of(new double[][] {{1, 3, 0, 2}, {2, 4, 6, 1}, {9, 7, 5, 8}});
        show("x", x);
        show("x.mean()", x.mean());
        show("x.mean(0)", x.mean(0));
        show("x.std(1)", x.std(1));
        show("x.sum(1)", x.sum(1));
        show("x[1, 2]", x.index("1, 2"));
        show("x[1]", x.index("1"));
        show("x[:, 2]", x.index(":, 2"));
        show("x[1:3, :]", x.index("1:3, :"));
        show("x[:, -1]", x.index(":, -1"));
        x.index(":, 1:3").fill_(-1);
        show("x[:, 1:3] = -1; x", x);
        x.index("0, :").copy_(Tensor.of(10.0, 20, 30, 40));
        show("x[0, :] = torch.tensor([10., 20., 30., 40.]); x", x);

        Tensor n = Tensor.arange(12).view(3, 4);
        show("n", n);
        show("n[1:, ::2]", n.index("1:, ::2"));

        Tensor m = Tensor.of(new double[][] {{0, 0, 3}, {0, 2, 0}, {1, 0, 0}});
        Tensor v = Tensor.of(-1.0, 2, 4);
        show("m.mv(v)", m.mv(v));
        show("m @ v", m.matmul(v));
        show("m @ m", m.matmul(m));
        show("m.t() @ v", m.t().matmul(v));
        show("v @ v", v.matmul(v));

        // 1.5: high-dimension tensors
        x = Tensor.zeros(2, 3, 4);
        show("x.narrow(2, 1, 2).fill_(1.0)", x.narrow(2, 1, 2).fill_(1.0));
        show("x", x);

        Tensor a = Tensor.full(new long[] {2, 3}, 1.0);
        Tensor b = a.view(-1);
        b.index("1").fill_(2);
        a.index("1, 2").fill_(7);
        show("a = torch.full((2, 3), 1.0); b = a.view(-1); b[1] = 2; a[1, 2] = 7; a", a);
        show("b", b);
        show("a.view(3, 2)", a.view(3, 2));

        x = Tensor.arange(0.0, 6, 1).view(2, 3);
        show("x.t()", x.t());
        show("x.transpose(0, 1)", x.transpose(0, 1));
        Tensor y = Tensor.arange(0.0, 24, 1).view(2, 3, 4);
        show("y.transpose(0, 2).size()", size(y.transpose(0, 2)));
        show("y.transpose(0, 2)[3]", y.transpose(0, 2).index("3"));
        show("y.narrow(1, 1, 2).reshape(2, 8)", y.narrow(1, 1, 2).reshape(2, 8));

        x = Tensor.of(new double[][] {{1}, {2}, {3}});
        show("x.expand(3, 4)", x.expand(3, 4));
        show("torch.tensor([1., 2., 3.]).expand(2, 3)", Tensor.of(1.0, 2, 3).expand(2, 3));

        Tensor A = Tensor.of(new double[][] {{1}, {2}, {3}, {4}});
        Tensor B = Tensor.of(new double[][] {{5, -5, 5, -4, 5}});
        show("A + B", A.add(B));
        show("A.expand(4, 5) + B.expand(4, 5)", A.expand(4, 5).add(B.expand(4, 5)));
        show("A * B", A.mul(B));
        show("(A + B).mean(0)", A.add(B).mean(0));
    }

    private static void show(String command, Object value) {
        System.out.println(">>> " + command);
        System.out.println(value);
    }

    /** As PyTorch prints {@code x.size()}. */
    private static String size(Tensor x) {
        return "torch.Size(" + x.shape() + ")";
    }
}
