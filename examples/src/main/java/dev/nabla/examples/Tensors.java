package dev.nabla.examples;

import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * The course's tensor session (slides 1.4–1.5). First the slides' own snippets with the slides' own inputs
 * (where a slide draws a random tensor, the values it printed are the input), each printing what the slide
 * prints; then more of the session, not on the slides, printed line for line as PyTorch 1.13 prints it
 * (tools/golden/course_tensors.py is that part in Python).
 */
public final class Tensors {
    private Tensors() {}

    /** The line between the slides' snippets and the rest of the session. */
    static final String MORE = "--- more of the session (not on the slides), as PyTorch 1.13 prints it (tools/golden/course_tensors.py)";

    public static void main(String[] args) {
        Figures.args("tensors", args).only();
        slides();
        System.out.println(MORE);
        session();
    }

    /** The slides' snippets, in the slides' order (slides.txt lines 826–1216). */
    static void slides() {
        System.out.println("--- the slides' snippets with the slides' inputs (slides 1.4-1.5)");
        Tensor x = Tensor.empty(2, 5);
        show("x = torch.empty(2, 5)");
        show("x.size()", size(x));
        show("x.fill_(1.125)", x.fill_(1.125));
        show("x.mean()", x.mean());
        show("x.std()", x.std());
        show("x.sum()", x.sum());
        show("x.sum().item()", x.sum().item());

        x = Tensor.of(new double[][] {{11, 12, 13}, {21, 22, 23}});
        show("x = torch.tensor([[11., 12., 13.], [21., 22., 23.]])");
        show("x[1, 2]", x.index("1, 2"));

        x = Tensor.of(10.0, 20, 30);
        Tensor y = Tensor.of(11.0, 21, 31);
        show("x = torch.tensor([ 10., 20., 30.])");
        show("y = torch.tensor([ 11., 21., 31.])");
        show("x + y", x.add(y));
        show("x * y", x.mul(y));
        show("x**2", x.pow(2));
        Tensor m = Tensor.of(new double[][] {{0, 0, 3}, {0, 2, 0}, {1, 0, 0}});
        show("m = torch.tensor([[ 0., 0., 3. ], [ 0., 2., 0. ], [ 1., 0., 0. ]])");
        show("m.mv(x)", m.mv(x));
        show("m @ x", m.matmul(x));

        // the slide's x = torch.empty(2, 4).random_(10) printed these values; they are the input here
        x = Tensor.of(new double[][] {{8, 1, 1, 3}, {7, 0, 7, 5}});
        show("x = torch.empty(2, 4).random_(10)   # the values the slide drew");
        show("x", x);
        show("x[0]", x.index("0"));
        show("x[0, :]", x.index("0, :"));
        show("x[:, 0]", x.index(":, 0"));
        x.index(":, 1:3").fill_(-1);
        show("x[:, 1:3] = -1");
        show("x", x);

        // least squares: the slide's y (drawn from N(0, 1)), a random m; m q gives y back
        y = Tensor.of(0.0477, 0.8834, -1.5996);
        m = Tensor.empty(3, 3).normal_(0, 1);
        Tensor q = m.lstsq(y.view(3, 1));
        show("y = torch.empty(3).normal_()   # the values the slide drew");
        show("y", y);
        show("m = torch.empty(3, 3).normal_()");
        show("q, _ = torch.gels(y, m)   # Nabla: m.lstsq(y.view(3, 1))");
        show("torch.mm(m, q)", m.mm(q));

        x = Tensor.zeros(1, 3);
        show("x = torch.zeros(1, 3)");
        show("x.dtype, x.device", "(" + x.dtype() + ", device(type='" + x.device().kind().name().toLowerCase(java.util.Locale.ROOT) + "'))");
        x = x.to(dev.nabla.api.DType.INT64);
        show("x = x.long()");
        show("x.dtype, x.device", "(" + x.dtype() + ", device(type='" + x.device().kind().name().toLowerCase(java.util.Locale.ROOT) + "'))");
        show("x = x.to('cuda')   # needs the CUDA build (mvn -Pcuda ...); skipped on this CPU build");

        // 1.5: the slides draw these results as pictures
        x = Tensor.of(new long[][] {{1, 3, 0}, {2, 4, 6}});
        show("x = torch.tensor([ [ 1, 3, 0 ], [ 2, 4, 6 ] ])");
        show("x.t()", x.t());
        show("x.view(-1)", x.view(-1));
        show("x.view(3, -1)", x.view(3, -1));
        show("x.narrow(1, 1, 2)", x.narrow(1, 1, 2));
        show("x.view(1, 2, 3).expand(3, 2, 3)", x.view(1, 2, 3).expand(3, 2, 3));
        x = Tensor.of(new long[] {1, 2, 1, 2, 1, 2, 3, 0, 3, 0, 3, 0}).view(2, 2, 3);
        show("x = torch.tensor([ [ [ 1, 2, 1 ], [ 2, 1, 2 ] ], [ [ 3, 0, 3 ], [ 0, 3, 0 ] ] ])");
        show("x.narrow(0, 0, 1)", x.narrow(0, 0, 1));
        show("x.narrow(2, 0, 2)", x.narrow(2, 0, 2));
        show("x.transpose(0, 1)", x.transpose(0, 1));
        show("x.transpose(0, 2)", x.transpose(0, 2));
        show("x.transpose(1, 2)", x.transpose(1, 2));

        // broadcasting
        x = Tensor.empty(100, 4).normal_(2, 1);
        show("x = torch.empty(100, 4).normal_(2)");
        show("x.mean(0)   # random: the slide's were 2.0476, 2.0133, 1.9109, 1.8588", x.mean(0));
        x.sub_(x.mean(0));
        show("x -= x.mean(0) # This should not work!");
        show("x.mean(0)   # about 1e-7, as the slide's", x.mean(0));
        Tensor a = Tensor.of(new double[][] {{1}, {2}, {3}, {4}});
        Tensor b = Tensor.of(new double[][] {{5, -5, 5, -5, 5}});
        show("A = torch.tensor([[1.], [2.], [3.], [4.]])");
        show("B = torch.tensor([[5., -5., 5., -5., 5.]])");
        show("C = A + B");
        show("C", a.add(b));
    }

    /** More of the session, as PyTorch 1.13 prints it. */
    static void session() {
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

    private static void show(String command) { System.out.println(">>> " + command); }

    private static void show(String command, Object value) {
        System.out.println(">>> " + command);
        System.out.println(value);
    }

    /** As PyTorch prints {@code x.size()}. */
    private static String size(Tensor x) {
        return "torch.Size(" + x.shape() + ")";
    }
}
