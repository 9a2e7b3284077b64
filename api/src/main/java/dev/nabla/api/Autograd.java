package dev.nabla.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The tape walk behind {@link Tensor#backward()}: reverse topological order, accumulation, freeing. */
final class Autograd {
    private Autograd() {}

    static void backward(Tensor root, INDArray seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): element 0 of tensors does not require grad and does not have a "
                    + "grad_fn; call requiresGrad_() on a leaf before computing it");
        }
        if (root.gradFn() == null) { // a leaf: its gradient is the seed
            root.accumulateGrad(seed);
            return;
        }
        List<Function> order = topologicalOrder(root.gradFnNode());
        Map<Function, INDArray> grads = new IdentityHashMap<>();
        grads.put(root.gradFnNode(), seed);
        try (var g = Grad.disabled()) {
            for (Function f : order) {
                f.checkAlive();
                INDArray gOut = grads.remove(f);
                if (gOut == null) continue; // no path to the root carries a gradient here
                Tensor retained = f.retainedOutput;
                if (retained != null) retained.accumulateGrad(gOut);
                long t0 = Profiler.isEnabled() ? System.nanoTime() : 0;
                INDArray[] gIn = f.backward(gOut);
                if (t0 != 0) Profiler.record(f.getClass().getSimpleName() + " backward", System.nanoTime() - t0);
                for (INDArray a : gIn) OffHeapGovernor.allocated(a);
                if (Grad.isAnomalyDetectionEnabled()) {
                    for (int i = 0; i < gIn.length; i++) {
                        int k = i;
                        Grad.checkFinite(gIn[i], () -> "Function '" + f.name() + "' returned in its " + k + "th output");
                    }
                }
                Tensor[] inputs = f.inputs();
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (!in.requiresGrad() || gIn[i] == null) continue;
                    INDArray gi = Broadcast.sumTo(gIn[i], in.shape());
                    if (gi.dataType() != in.nd().dataType()) gi = gi.castTo(in.nd().dataType());
                    Function next = in.gradFnNode();
                    if (next == null) {
                        in.accumulateGrad(gi);
                    } else {
                        INDArray prev = grads.get(next);
                        grads.put(next, prev == null ? gi : prev.add(gi));
                    }
                }
                if (!retainGraph) f.release();
            }
        }
    }

    /** Functions reachable from {@code root}, each after every function that consumes its output. */
    private static List<Function> topologicalOrder(Function root) {
        List<Function> post = new ArrayList<>();
        Map<Function, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Function f = (Function) top[0];
            int i = (Integer) top[1];
            f.checkAlive();
            Tensor[] inputs = f.inputs();
            if (i < inputs.length) {
                top[1] = i + 1;
                Function next = inputs[i].gradFnNode();
                if (next != null && inputs[i].requiresGrad() && seen.put(next, Boolean.TRUE) == null) {
                    stack.push(new Object[] {next, 0});
                }
            } else {
                stack.pop();
                post.add(f);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
