package dev.nabla.spark;

import dev.nabla.api.DType;
import dev.nabla.api.Parameter;
import dev.nabla.api.RemovableHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gradient averaging that overlaps backward, as PyTorch DDP's reducer and Horovod's fusion buffers do: the parameters
 * are grouped into buckets in reverse registration order (the order backward finishes them), each bucket of at least
 * {@code bucketBytes} but the last; when every gradient of a bucket is final ({@link
 * dev.nabla.api.Tensor#registerPostAccumulateGradHook}), the bucket is copied into its flat array and handed to one
 * communication thread that averages it over the ranks while backward goes on with earlier layers. Buckets go out in
 * bucket order on every rank (a bucket ready early waits for the ones before it), so all ranks run the same collective
 * operations in the same order. {@link #finish()}, after backward, sends the buckets that never became ready (a
 * parameter that got no gradient this step: it counts as zeros, as in {@link FlatParameters}), waits for all of them
 * and writes the averages into {@code .grad}.
 *
 * <pre>{@code
 * GradientBuckets buckets = new GradientBuckets(model.parameters(), ring, 128 << 10, Duration.ofSeconds(60));
 * loss.backward();      // buckets of the last layers are already on the wire
 * buckets.finish();     // every rank now holds the mean gradient
 * optimizer.step();
 * }</pre>
 */
public final class GradientBuckets implements AutoCloseable {
    /**
     * The trainer's default: buckets of at least 128 KB, so that a small model gets several (the course convnet's
     * 105,506 parameters: its two fully connected layers, then its second convolution, then its first) whose exchange
     * runs behind the rest of backward; larger buckets mean fewer messages, smaller ones an earlier start.
     */
    public static final long DEFAULT_BUCKET_BYTES = 128 << 10;
    private final Collective collective;
    private final Duration timeout;
    private final List<Bucket> buckets = new ArrayList<>();
    private final List<RemovableHandle> handles = new ArrayList<>();
    private final ExecutorService comm;
    /** Next bucket to send, and each bucket's state this step (guarded by this). */
    private int nextToSend;
    private final List<Future<?>> sent = new ArrayList<>();

    private static final class Bucket {
        final FlatParameters flat;
        final float[] f;
        final double[] d;
        final int params;
        int pending;
        boolean ready;

        Bucket(List<Parameter> ps, DType dtype) {
            flat = new FlatParameters(ps);
            params = ps.size();
            f = dtype == DType.FLOAT32 ? new float[flat.numel()] : null;
            d = dtype == DType.FLOAT32 ? null : new double[flat.numel()];
        }
    }

    /** Over {@code params} (all float32 or all float64), averaging over {@code collective}; {@code timeout}: for {@link #finish()}'s wait. */
    public GradientBuckets(List<Parameter> params, Collective collective, long bucketBytes, Duration timeout) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("GradientBuckets: expected at least one parameter, got " + params);
        if (bucketBytes < 1) throw new IllegalArgumentException("GradientBuckets: bucketBytes must be >= 1, got " + bucketBytes);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("GradientBuckets: the timeout must be positive, got " + timeout);
        this.collective = collective;
        this.timeout = timeout;
        DType dtype = params.get(0).dtype();
        Map<Parameter, Bucket> of = new IdentityHashMap<>();
        for (List<Integer> bucket : layout(params, bucketBytes)) {
            List<Parameter> ps = new ArrayList<>();
            for (int i : bucket) ps.add(params.get(i));
            Bucket b = new Bucket(ps, dtype);
            buckets.add(b);
            for (Parameter p : ps) of.put(p, b);
        }
        for (var e : of.entrySet()) {
            Bucket b = e.getValue();
            handles.add(e.getKey().registerPostAccumulateGradHook(t -> ready(b)));
        }
        comm = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nabla-gradient-buckets-rank-" + collective.rank());
            t.setDaemon(true);
            return t;
        });
        reset();
    }

    /**
     * The buckets' parameters, as indices into {@code params}, in the order they are sent: from the last parameter to
     * the first (the order backward finishes them), a bucket closed once it holds {@code bucketBytes} or more;
     * parameters that need no gradient, and repeats, are left out.
     */
    public static List<List<Integer>> layout(List<Parameter> params, long bucketBytes) {
        List<List<Integer>> out = new ArrayList<>();
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = params.size() - 1; i >= 0; i--) {
            Parameter p = params.get(i);
            if (!p.requiresGrad() || seen.put(p, true) != null) continue;
            current.add(i);
            bytes += p.numel() * (p.dtype() == DType.FLOAT64 ? 8 : 4);
            if (bytes >= bucketBytes) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }

    /** The number of buckets. */
    public int bucketCount() { return buckets.size(); }

    /** The number of elements of each bucket, in the order they are sent. */
    public int[] bucketSizes() {
        int[] s = new int[buckets.size()];
        for (int i = 0; i < s.length; i++) s[i] = buckets.get(i).flat.numel();
        return s;
    }

    private synchronized void reset() {
        for (Bucket b : buckets) {
            b.pending = b.params;
            b.ready = false;
        }
        nextToSend = 0;
        sent.clear();
    }

    /** A hook: one more gradient of {@code b} is final; a complete bucket goes out once the ones before it have. */
    private synchronized void ready(Bucket b) {
        if (b.ready) return;   // a second backward before finish(): the bucket already went out with the first one's gradients
        if (--b.pending > 0) return;
        b.ready = true;
        if (b.f != null) b.flat.copyGradsTo(b.f);
        else b.flat.copyGradsTo(b.d);
        sendReady();
    }

    private void sendReady() {
        while (nextToSend < buckets.size() && buckets.get(nextToSend).ready) {
            Bucket b = buckets.get(nextToSend++);
            sent.add(comm.submit(() -> {
                if (b.f != null) collective.allReduceMean(b.f);
                else collective.allReduceMean(b.d);
            }));
        }
    }

    /**
     * After backward: sends what is left (a gradient that never came counts as zeros), waits for every bucket, writes
     * the averages into the gradients, and gets ready for the next step. A failed exchange is rethrown
     * ({@link CollectiveException} naming the peer); no bucket outlives {@code timeout} plus the collective's own.
     */
    public void finish() {
        List<Future<?>> wait;
        synchronized (this) {
            for (Bucket b : buckets) {
                if (b.ready) continue;
                b.ready = true;
                if (b.f != null) b.flat.copyGradsTo(b.f);
                else b.flat.copyGradsTo(b.d);
            }
            sendReady();
            wait = new ArrayList<>(sent);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<?> f : wait) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException("GradientBuckets: a bucket's exchange failed", c);
        } catch (TimeoutException e) {
            throw new CollectiveException(-1, "GradientBuckets(rank " + collective.rank() + "): the gradient exchange did not finish within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(-1, "GradientBuckets(rank " + collective.rank() + "): interrupted while waiting for the gradient exchange", e);
        }
        for (Bucket b : buckets) {
            if (b.f != null) b.flat.copyGradsFrom(b.f);
            else b.flat.copyGradsFrom(b.d);
        }
        reset();
    }

    /** Takes the hooks off the parameters and stops the communication thread. */
    @Override public void close() {
        for (RemovableHandle h : handles) h.remove();
        handles.clear();
        comm.shutdownNow();
    }
}
