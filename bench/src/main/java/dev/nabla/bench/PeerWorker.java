package dev.nabla.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The command loop a peer process runs for {@link VsPyTorch} (the same protocol as tools/bench/bench_torch.py):
 * one command a line on stdin ({@code convnet batches=N test=N seed=S}, {@code mlp …}, {@code infer batches=N},
 * {@code step1 steps=N}, {@code resnet20 steps=N batch=B seed=S}, {@code transformer norm_first=0|1 steps=N batch=B seq=T seed=S},
 * {@code micro op=NAME reps=N}, {@code gemm workload=resnet20|transformer}, {@code profile workload=W batches=N}, {@code quit}),
 * one answer a line on stdout ({@code OK key=value …}, {@code NA why} for a command this peer does not have, or
 * {@code ERR message}). Anything else the peer prints goes to stderr, since ND4J and DJL
 * log there; stdout is kept for the protocol.
 */
abstract class PeerWorker {
    final Path data;
    final double mean, std;
    final int threads;
    /** The protocol's stream (stdout); lines starting with "| " are passed through to the user by the harness. */
    PrintStream protocol;

    PeerWorker(Path data, double mean, double std, int threads) throws IOException {
        this.data = data;
        this.mean = mean;
        this.std = std;
        this.threads = threads;
    }

    abstract String info();

    abstract String epoch(boolean convnet, int batches, int test, long seed) throws Exception;

    abstract String infer(int batches) throws Exception;

    abstract String step1(int steps) throws Exception;

    String profile(String workload, int steps) throws Exception { throw new UnsupportedOperationException("no profiler for this peer"); }

    String resnet20(int steps, int batch, long seed) throws Exception { throw new UnsupportedOperationException("no ResNet-20 in this peer"); }

    String transformer(boolean normFirst, int steps, int batch, int seq, long seed) throws Exception {
        throw new UnsupportedOperationException("no transformer in this peer");
    }

    String micro(String op, int reps) throws Exception { throw new UnsupportedOperationException("no micro-benchmarks in this peer"); }

    String gemm(String workload) throws Exception { throw new UnsupportedOperationException("no GEMM floor in this peer"); }

    /** Runs the command loop on stdin/stdout; everything else printed goes to stderr. */
    final void serve(PrintStream out) throws IOException {
        protocol = out;
        out.println("INFO " + info());
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.trim().split("\\s+");
            if (parts[0].isEmpty()) continue;
            if (parts[0].equals("quit")) break;
            Map<String, String> kv = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] p = parts[i].split("=", 2);
                kv.put(p[0], p[1]);
            }
            resetHwm();
            String answer;
            try {
                String r = switch (parts[0]) {
                    case "convnet", "mlp" -> epoch(parts[0].equals("convnet"), Integer.parseInt(kv.get("batches")),
                            Integer.parseInt(kv.get("test")), Long.parseLong(kv.getOrDefault("seed", "0")));
                    case "infer" -> infer(Integer.parseInt(kv.get("batches")));
                    case "step1" -> step1(Integer.parseInt(kv.get("steps")));
                    case "profile" -> profile(kv.getOrDefault("workload", "convnet"), Integer.parseInt(kv.get("batches")));
                    case "resnet20" -> resnet20(Integer.parseInt(kv.get("steps")), Integer.parseInt(kv.getOrDefault("batch", "128")),
                            Long.parseLong(kv.getOrDefault("seed", "0")));
                    case "transformer" -> transformer(kv.get("norm_first").equals("1"), Integer.parseInt(kv.get("steps")),
                            Integer.parseInt(kv.getOrDefault("batch", "16")), Integer.parseInt(kv.getOrDefault("seq", "128")),
                            Long.parseLong(kv.getOrDefault("seed", "0")));
                    case "micro" -> micro(kv.get("op"), Integer.parseInt(kv.get("reps")));
                    case "gemm" -> gemm(kv.get("workload"));
                    default -> throw new IllegalArgumentException("unknown command " + parts[0]);
                };
                answer = "OK " + r + String.format(Locale.ROOT, " hwm_mb=%.1f", hwmMb());
            } catch (UnsupportedOperationException e) {
                answer = "NA " + e.getMessage();
            } catch (Throwable e) {
                e.printStackTrace();
                answer = ("ERR " + e).replace('\n', ' ');
            }
            out.println(answer);
            out.flush();
        }
    }

    static String fmt(String f, Object... args) { return String.format(Locale.ROOT, f, args); }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A random permutation of 0..n-1 (Fisher–Yates). */
    static int[] permutation(int n, java.util.Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The payload of an IDX file (gzip), after its header. */
    static byte[] idx(Path file) throws IOException {
        byte[] all;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            all = in.readAllBytes();
        }
        int ndim = all[3];
        return Arrays.copyOfRange(all, 4 + 4 * ndim, all.length);
    }

    static float[] normalise(byte[] pixels, double mean, double std) {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) x[i] = (float) (((pixels[i] & 0xff) / 255.0 - mean) / std);
        return x;
    }

    static int[] labels(byte[] b) {
        int[] y = new int[b.length];
        for (int i = 0; i < y.length; i++) y[i] = b[i] & 0xff;
        return y;
    }

    /** The train set's mean and std of pixels in [0, 1], accumulated in double. */
    static double[] meanStd(Path data) throws IOException {
        byte[] px = idx(data.resolve("fashion-mnist").resolve("train-images-idx3-ubyte.gz"));
        double s = 0, ss = 0;
        for (byte b : px) {
            double v = (b & 0xff) / 255.0;
            s += v;
            ss += v * v;
        }
        double m = s / px.length;
        return new double[] {m, Math.sqrt((ss - px.length * m * m) / (px.length - 1))};
    }

    /** Peak resident size of this process (VmHWM), MB. */
    static double hwmMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** Resets VmHWM to the current resident size (Linux ≥ 4.0). */
    static void resetHwm() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not permitted: the peak then covers the whole process
        }
    }
}
