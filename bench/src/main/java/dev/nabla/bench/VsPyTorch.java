package dev.nabla.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Nabla side by side with PyTorch, in one invocation, on the same data and settings (BENCHMARKS.md):
 *
 * <pre>
 * mvn -Pbench -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.VsPyTorch -Dexec.args=""
 * </pre>
 *
 * Peers, each its own process (so that each one's peak resident memory is its own), driven one command at a time:
 * <ul>
 *   <li>{@code nabla}: this build, through the user's API ({@link NablaPeer});
 *   <li>{@code torch-djl}: PyTorch 2.7.1's official CPU build through DJL 0.36 ({@link DjlPeer}; the {@code bench}
 *       profile's test-scope dependencies);
 *   <li>{@code torch-python}: Debian's python3-torch through tools/bench/bench_torch.py, when a Python with torch is
 *       found ($NABLA_PYTHON, /usr/bin/python3, python3).
 * </ul>
 * A peer that is missing or fails to start is reported and left out. Workloads: the course convnet's epoch
 * (Fashion-MNIST, SGD 0.1, batch 100, normalised inputs; seconds, test accuracy, peak resident memory), the MLP
 * 784-512-512-10's epoch, inference throughput at batch 1,000, a training step at batch 1. After a warm-up of each
 * workload on each peer, the peers run interleaved (A B C, then B C A, …), {@code --runs} times each; the report
 * gives medians, spread and Nabla's ratio to each peer.
 *
 * <p>Further workloads (issue 17): a ResNet-20 training step at batch 128 ({@code resnet20}), a transformer
 * encoder's training step, post- and pre-norm ({@code transformer-post}, {@code transformer-pre}), and micro-benchmarks
 * of BatchNorm2d, LayerNorm, softmax and GELU forward + backward at those workloads' shapes ({@code micro-bn2d-16}, …);
 * for ResNet-20 and the transformer, the GEMM floor (GemmFloor: their matrix products timed alone as sgemm) and each
 * peer's step against it. A peer without a workload answers NA and is left out of that workload only.
 *
 * <p>Options: {@code --quick} (2 runs of 100-batch epochs: a smoke test), {@code --runs N}, {@code --profile}
 * (Nabla's per-op times after the run, for convnet, resnet20 and the transformers among the workloads), {@code --data DIR}
 * (else $NABLA_DATA, ../shared/data, ../../shared/data), {@code --threads N} (default: the cores available),
 * {@code --peers nabla,torch-djl,torch-python}, {@code --workloads a,b} (names or prefixes: {@code micro},
 * {@code transformer}; default all: convnet, mlp, infer, step1, resnet20, transformer-post, transformer-pre, micro-…),
 * {@code --no-vector-api} (the nabla peer without {@code --add-modules jdk.incubator.vector}: its kernels' fallback loops).
 * {@code -Dnabla.bench.peerJvmArgs="…"} (on the Maven command line) adds JVM options to the nabla peer, e.g. a flight recording.
 */
public final class VsPyTorch {
    private VsPyTorch() {}

    static final List<String> ALL_PEERS = List.of("nabla", "torch-djl", "torch-python");
    static final List<String> ALL_WORKLOADS = List.of("convnet", "mlp", "infer", "step1", "resnet20", "transformer-post", "transformer-pre",
            "micro-bn2d-16", "micro-bn2d-32", "micro-bn2d-64", "micro-layernorm", "micro-softmax", "micro-gelu");
    /** The micro-benchmarks' ops (bench_torch.py's MICRO): name and the shape it runs at. */
    static final Map<String, String> MICRO = new LinkedHashMap<>();

    static {
        MICRO.put("bn2d-16", "BatchNorm2d training, [128, 16, 32, 32] (ResNet-20 stage 1)");
        MICRO.put("bn2d-32", "BatchNorm2d training, [128, 32, 16, 16] (stage 2)");
        MICRO.put("bn2d-64", "BatchNorm2d training, [128, 64, 8, 8] (stage 3)");
        MICRO.put("layernorm", "LayerNorm(256), [16, 128, 256] (transformer)");
        MICRO.put("softmax", "softmax over the last dim, [16, 4, 128, 128] (attention weights)");
        MICRO.put("gelu", "GELU, [16, 128, 1024] (feed-forward)");
    }

    /**
     * Whether the nabla peer's JVM runs with {@code --add-modules jdk.incubator.vector} (the kernels' Vector API path);
     * {@code --no-vector-api}: without, on the loops C2 vectorises by itself.
     */
    private static boolean vectorApi = true;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("worker")) {
            worker(args);
            return;
        }
        boolean quick = false, profile = false;
        Integer runs = null;
        Path data = null;
        int threads = Runtime.getRuntime().availableProcessors();
        List<String> peers = ALL_PEERS, workloads = ALL_WORKLOADS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--peers" -> peers = List.of(args[++i].split(","));
                case "--workloads" -> workloads = List.of(args[++i].split(","));
                case "--no-vector-api" -> vectorApi = false;
                default -> throw new IllegalArgumentException("VsPyTorch: unknown option '" + args[i]
                        + "'; expected --quick, --profile, --runs N, --data DIR, --threads N, --peers a,b, --workloads a,b, --no-vector-api");
            }
        }
        new VsPyTorch.Run(quick, runs == null ? (quick ? 2 : 3) : runs, profile, data == null ? findData() : data, threads, peers, workloads).go();
    }

    /** A peer process's entry point: {@code worker nabla|torch-djl DATA MEAN STD THREADS}. */
    private static void worker(String[] a) throws Exception {
        PrintStream protocol = System.out;
        System.setOut(System.err); // whatever the libraries print stays off the protocol
        Path data = Path.of(a[2]);
        double mean = Double.parseDouble(a[3]), std = Double.parseDouble(a[4]);
        int threads = Integer.parseInt(a[5]);
        PeerWorker w = a[1].equals("nabla") ? new NablaPeer(data, mean, std, threads) : new DjlPeer(data, mean, std, threads);
        w.serve(protocol);
        System.exit(0);
    }

    static Path findData() {
        String env = System.getenv("NABLA_DATA");
        List<Path> candidates = new ArrayList<>();
        if (env != null) candidates.add(Path.of(env));
        candidates.add(Path.of("../shared/data"));
        candidates.add(Path.of("../../shared/data"));
        for (Path p : candidates) if (Files.isRegularFile(p.resolve("fashion-mnist/train-images-idx3-ubyte.gz"))) return p.toAbsolutePath().normalize();
        throw new IllegalStateException("VsPyTorch: no Fashion-MNIST found (looked for fashion-mnist/*.gz in " + candidates
                + "); pass --data DIR or set NABLA_DATA");
    }

    /** One peer process and its line protocol. */
    static final class Peer {
        final String name;
        final Process process;
        final BufferedReader out;
        final PrintWriter in;
        String info;
        String failure;

        Peer(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
            this.name = name;
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        /** Sends a command; returns its answer's key=value pairs, or null (and records why) if the peer failed. */
        Map<String, String> ask(String command) throws IOException {
            if (failure != null) return null;
            in.println(command);
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("| ")) {
                    System.out.println(line.substring(2));
                    continue;
                }
                if (line.startsWith("OK")) return parse(line.substring(2));
                if (line.startsWith("NA")) {
                    System.out.println("  " + name + ": " + line.substring(3) + " (left out of this workload)");
                    return null;
                }
                if (line.startsWith("ERR")) {
                    failure = line.substring(4);
                    return null;
                }
            }
            failure = "process ended (exit " + exitCode(process) + ")";
            return null;
        }
    }

    static String exitCode(Process p) {
        try {
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    static Map<String, String> parse(String s) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String p : s.trim().split("\\s+")) {
            int eq = p.indexOf('=');
            if (eq > 0) kv.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return kv;
    }

    /** The measurement of one workload: per peer, per round, the answer. */
    record Workload(String name, String title, String command, String warmup, String metric, String unit, boolean higherIsBetter) {}

    static final class Run {
        final boolean quick, profile;
        final int runs, threads;
        final Path data;
        final List<String> peerNames, workloadNames;
        final Path outDir = Path.of("target", "bench");
        final List<String> notes = new ArrayList<>();
        final Map<String, Peer> peers = new LinkedHashMap<>();

        Run(boolean quick, int runs, boolean profile, Path data, int threads, List<String> peers, List<String> workloads) {
            this.quick = quick;
            this.runs = runs;
            this.profile = profile;
            this.data = data;
            this.threads = threads;
            this.peerNames = peers;
            this.workloadNames = workloads;
        }

        List<Workload> workloads() {
            int batches = quick ? 100 : 600, test = quick ? 2000 : 10_000;
            // warm-up: an epoch's batches a peer (the same for all), so that the JVM's compiler has settled before the
            // first timed round: with 30 batches Nabla's first round was its slowest in four of five invocations; after
            // 300 the next epoch still took 6.1 s, the ones after it 5.0-5.3 s (BENCHMARKS.md, sixth round)
            int warm = quick ? 30 : 600;
            int resSteps = quick ? 3 : 10, tfSteps = quick ? 3 : 8, reps = quick ? 10 : 40;
            String epochNote = quick ? "--quick: " + batches + " batches of 100, test on " + test : "60,000 images in 600 batches of 100, test on 10,000";
            List<Workload> all = new ArrayList<>(List.of(
                    new Workload("convnet", "Course convnet, one epoch (" + epochNote + ")", "convnet batches=" + batches + " test=" + test + " seed=%d",
                            "convnet batches=" + warm + " test=1000 seed=99", "seconds", "s", false),
                    new Workload("mlp", "MLP 784-512-512-10, one epoch (" + epochNote + ")", "mlp batches=" + batches + " test=" + test + " seed=%d",
                            "mlp batches=" + warm + " test=1000 seed=99", "seconds", "s", false),
                    new Workload("infer", "Convnet inference, batch 1,000, no grad (" + (quick ? 5 : 20) + " batches a run)",
                            "infer batches=" + (quick ? 5 : 20), "infer batches=3", "ips", "images/s", true),
                    new Workload("step1", "Convnet training step at batch 1 (median of " + (quick ? 100 : 300) + " steps a run)",
                            "step1 steps=" + (quick ? 100 : 300), "step1 steps=" + (quick ? 50 : 1000), "ms", "ms", false)));
            all.add(new Workload("resnet20", "ResNet-20 training step, batch 128 (SGD momentum 0.9, weight decay 5e-4; median of " + resSteps
                    + " steps a run)", "resnet20 steps=" + resSteps + " batch=128 seed=%d", "resnet20 steps=" + (quick ? 2 : 10) + " batch=128 seed=99",
                    "ms", "ms", false));
            for (String norm : List.of("post", "pre")) {
                all.add(new Workload("transformer-" + norm, "Transformer encoder training step, " + norm + "-norm (2 layers, d 256, 4 heads, ff 1024, "
                        + "GELU, dropout 0.1; 16 × 128 tokens, vocabulary 1,000; AdamW; median of " + tfSteps + " steps a run)",
                        "transformer norm_first=" + (norm.equals("pre") ? 1 : 0) + " steps=" + tfSteps + " seed=%d",
                        "transformer norm_first=" + (norm.equals("pre") ? 1 : 0) + " steps=" + (quick ? 2 : 8) + " seed=99", "ms", "ms", false));
            }
            for (var e : MICRO.entrySet()) {
                all.add(new Workload("micro-" + e.getKey(), "Micro: " + e.getValue() + ", forward + backward (median of " + reps + ")",
                        "micro op=" + e.getKey() + " reps=" + reps, "micro op=" + e.getKey() + " reps=" + reps, "ms", "ms", false));
            }
            List<Workload> chosen = new ArrayList<>();
            for (Workload w : all) {
                for (String n : workloadNames) {
                    if (w.name().equals(n) || w.name().startsWith(n + "-")) {
                        chosen.add(w);
                        break;
                    }
                }
            }
            return chosen;
        }

        void go() throws Exception {
            Files.createDirectories(outDir);
            double[] ms = PeerWorker.meanStd(data);
            String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
            System.out.printf(Locale.ROOT, "Nabla vs PyTorch, %s; data %s (normalised by the train set's mean %.4f, std %.4f); %d threads; %d runs a peer%s%n",
                    when, data, ms[0], ms[1], threads, runs, quick ? " (--quick)" : "");
            System.out.println("machine: " + machine());
            start(ms[0], ms[1]);
            if (peers.values().stream().noneMatch(p -> p.failure == null)) throw new IllegalStateException("no peer started");

            StringBuilder md = new StringBuilder();
            md.append("Measured ").append(when).append(" on ").append(machine()).append("; ").append(threads).append(" threads a peer; ")
                    .append(runs).append(" interleaved runs a peer after warm-up").append(quick ? " (--quick)" : "").append(".\n\n");
            md.append("Peers: ");
            for (Peer p : peers.values()) md.append("`").append(p.name).append("`: ").append(p.failure == null ? p.info : "missing — " + p.failure).append("; ");
            md.append("\n");
            for (String n : notes) md.append("\n").append(n).append("\n");
            md.append("\n| workload | peer | median | min – max | spread | Nabla ÷ peer (median; per-round ratios) | test acc. | peak RSS MB |\n");
            md.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n");

            for (Workload w : workloads()) {
                System.out.println();
                System.out.println("== " + w.title() + " ==");
                List<Peer> order = new ArrayList<>();
                for (Peer p : live()) {
                    if (p.ask(w.warmup()) != null) order.add(p);
                    else if (p.failure != null) System.out.println("  " + p.name + " failed in warm-up: " + p.failure);
                }
                Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
                for (int r = 0; r < runs; r++) {
                    for (int k = 0; k < order.size(); k++) {
                        Peer p = order.get((k + r) % order.size());
                        Map<String, String> a = p.ask(String.format(Locale.ROOT, w.command(), r));
                        if (a == null) {
                            if (p.failure != null) System.out.println("  " + p.name + " failed: " + p.failure);
                            continue;
                        }
                        a.put("round", Integer.toString(r));
                        results.computeIfAbsent(p.name, x -> new ArrayList<>()).add(a);
                        System.out.printf(Locale.ROOT, "  run %d %-13s %s%n", r + 1, p.name, a);
                    }
                }
                report(w, results, md);
                medians.put(w.name(), results);
            }
            floors(md);
            if (profile && peers.containsKey("nabla") && peers.get("nabla").failure == null) {
                for (Workload w : workloads()) {
                    if (!List.of("convnet", "resnet20", "transformer-pre", "transformer-post").contains(w.name())) continue;
                    System.out.println();
                    int n = w.name().equals("convnet") ? (quick ? 30 : 100) : (quick ? 2 : 5);
                    peers.get("nabla").ask("profile workload=" + w.name() + " batches=" + n);
                }
            }
            for (Peer p : peers.values()) {
                if (p.failure == null) p.in.println("quit");
            }
            for (Peer p : peers.values()) {
                if (!p.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.process.destroy();
            }
            Path table = outDir.resolve("vs-pytorch.md");
            Files.writeString(table, md.toString());
            System.out.println();
            System.out.println("Markdown table written to " + table.toAbsolutePath() + "; peers' logs in " + outDir.toAbsolutePath());
        }

        /** Each workload's answers per peer, for the GEMM floor's table. */
        final Map<String, Map<String, List<Map<String, String>>>> medians = new LinkedHashMap<>();

        /** The GEMM floor of ResNet-20 and the transformer (measured by the Nabla peer), and each peer's step against it. */
        void floors(StringBuilder md) throws IOException {
            Peer nabla = peers.get("nabla");
            if (nabla == null || nabla.failure != null) return;
            boolean header = false;
            for (String w : List.of("resnet20", "transformer")) {
                List<String> runsOf = medians.keySet().stream().filter(k -> k.equals(w) || k.startsWith(w + "-")).toList();
                if (runsOf.isEmpty()) continue;
                System.out.println();
                System.out.println("== GEMM floor: " + w + " ==");
                Map<String, String> f = nabla.ask("gemm workload=" + w);
                if (f == null) continue;
                double floor = Double.parseDouble(f.get("ms"));
                if (!header) {
                    md.append("\n| GEMM floor | GFLOP a step (matrix products, forward + backward) | sgemm alone (ms, GFLOP/s) | peer | step ms | step ÷ floor |\n");
                    md.append("| --- | ---: | ---: | --- | ---: | ---: |\n");
                    header = true;
                }
                for (String k : runsOf) {
                    for (var e : medians.get(k).entrySet()) {
                        double step = PeerWorker.median(column(e.getValue(), "ms"));
                        String line = String.format(Locale.ROOT, "| %s | %.2f | %.1f ms, %.1f GFLOP/s | %s | %.1f | %.2f× |", k, Double.parseDouble(f.get("gflop")),
                                floor, Double.parseDouble(f.get("gflops")), e.getKey(), step, step / floor);
                        md.append(line).append("\n");
                        System.out.println("  " + line);
                    }
                }
            }
        }

        List<Peer> live() {
            List<Peer> l = new ArrayList<>();
            for (Peer p : peers.values()) if (p.failure == null) l.add(p);
            return l;
        }

        void report(Workload w, Map<String, List<Map<String, String>>> results, StringBuilder md) {
            Map<String, double[]> values = new LinkedHashMap<>();
            for (var e : results.entrySet()) values.put(e.getKey(), e.getValue().stream().mapToDouble(a -> Double.parseDouble(a.get(w.metric()))).toArray());
            double[] nabla = values.get("nabla");
            // Nabla ÷ peer as a time ratio (< 1: Nabla faster); for throughput, peer ÷ Nabla
            String fastestTorch = null;
            double fastestMedian = Double.NaN;
            for (var e : values.entrySet()) {
                if (e.getKey().equals("nabla")) continue;
                double m = PeerWorker.median(e.getValue());
                if (fastestTorch == null || (w.higherIsBetter() ? m > fastestMedian : m < fastestMedian)) {
                    fastestTorch = e.getKey();
                    fastestMedian = m;
                }
            }
            System.out.printf(Locale.ROOT, "  %-13s %10s %21s %7s  %-36s %9s %11s%n", "peer", "median", "min – max", "spread", "Nabla ÷ peer (per round)", "test acc",
                    "peak RSS MB");
            for (var e : values.entrySet()) {
                double[] v = e.getValue();
                double med = PeerWorker.median(v), min = Arrays.stream(v).min().orElse(Double.NaN), max = Arrays.stream(v).max().orElse(Double.NaN);
                List<Map<String, String>> answers = results.get(e.getKey());
                String acc = answers.get(0).containsKey("acc") ? String.format(Locale.ROOT, "%.4f", PeerWorker.median(column(answers, "acc"))) : "";
                String hwm = String.format(Locale.ROOT, "%.0f", Arrays.stream(column(answers, "hwm_mb")).max().orElse(Double.NaN));
                String ratio = "";
                if (nabla != null && !e.getKey().equals("nabla")) {
                    double rm = timeRatio(PeerWorker.median(nabla), med, w);
                    StringBuilder per = new StringBuilder();
                    List<Map<String, String>> na = results.get("nabla");
                    for (Map<String, String> a : answers) {
                        for (Map<String, String> b : na) {
                            if (b.get("round").equals(a.get("round"))) {
                                per.append(per.length() == 0 ? "" : ", ")
                                        .append(String.format(Locale.ROOT, "%.2f", timeRatio(Double.parseDouble(b.get(w.metric())), Double.parseDouble(a.get(w.metric())), w)));
                            }
                        }
                    }
                    ratio = String.format(Locale.ROOT, "%.2f× (%s)%s", rm, per, e.getKey().equals(fastestTorch) ? " faster PyTorch" : "");
                }
                String medS = fmtValue(med, w), range = fmtValue(min, w) + " – " + fmtValue(max, w);
                String spread = String.format(Locale.ROOT, "±%.0f%%", 50 * (max - min) / med);
                System.out.printf(Locale.ROOT, "  %-13s %10s %21s %7s  %-36s %9s %11s%n", e.getKey(), medS + " " + w.unit(), range, spread, ratio, acc, hwm);
                md.append("| ").append(w.title()).append(" | ").append(e.getKey()).append(" | ").append(medS).append(" ").append(w.unit()).append(" | ").append(range)
                        .append(" | ").append(spread).append(" | ").append(ratio).append(" | ").append(acc).append(" | ").append(hwm).append(" |\n");
            }
            if (nabla == null) System.out.println("  (no Nabla result: no ratios)");
        }

        static double timeRatio(double nabla, double peer, Workload w) { return w.higherIsBetter() ? peer / nabla : nabla / peer; }

        static String fmtValue(double v, Workload w) {
            return w.unit().equals("images/s") ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.2f", v);
        }

        static double[] column(List<Map<String, String>> answers, String key) {
            return answers.stream().filter(a -> a.containsKey(key)).mapToDouble(a -> Double.parseDouble(a.get(key))).toArray();
        }

        void start(double mean, double std) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            String cp = classpath();
            Files.writeString(outDir.resolve("classpath.txt"), cp.replace(File.pathSeparator, "\n"));
            Map<String, String> env = new HashMap<>();
            env.put("OMP_NUM_THREADS", Integer.toString(threads));
            String[] common = {data.toString(), Double.toString(mean), Double.toString(std), Integer.toString(threads)};
            for (String name : peerNames) {
                List<String> cmd = new ArrayList<>();
                switch (name) {
                    case "nabla" -> {
                        cmd.addAll(List.of(java, "-cp", cp));
                        if (vectorApi) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
                        String extra = System.getProperty("nabla.bench.peerJvmArgs", "").trim();   // e.g. a flight recording
                        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
                        cmd.addAll(List.of(VsPyTorch.class.getName(), "worker", "nabla"));
                    }
                    case "torch-djl" -> {
                        try {
                            Class.forName("ai.djl.engine.Engine", false, VsPyTorch.class.getClassLoader());
                        } catch (ClassNotFoundException e) {
                            missing(name, "DJL is not on the classpath (run with -Pbench)");
                            continue;
                        }
                        cmd.addAll(List.of(java, "-cp", cp, "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + threads,
                                "-Dai.djl.pytorch.num_interop_threads=1", VsPyTorch.class.getName(), "worker", "torch-djl"));
                    }
                    case "torch-python" -> {
                        String py = pythonWithTorch();
                        if (py == null) {
                            missing(name, "no Python with torch found ($NABLA_PYTHON, /usr/bin/python3, python3); on Debian: apt-get install python3-torch");
                            continue;
                        }
                        Path script = Path.of("tools", "bench", "bench_torch.py");
                        if (!Files.isRegularFile(script)) {
                            missing(name, script + " not found (run from the project's root)");
                            continue;
                        }
                        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"))) {
                            String n = "Note: libopenblas0-pthread is not installed, so Debian's torch runs its matrix products on the reference BLAS "
                                    + "(slow; `apt-get install libopenblas0-pthread` gives it OpenBLAS).";
                            notes.add(n);
                            System.out.println(n);
                        }
                        cmd.addAll(List.of(py, script.toString()));
                    }
                    default -> throw new IllegalArgumentException("unknown peer " + name + "; expected one of " + ALL_PEERS);
                }
                cmd.addAll(List.of(common));
                Peer p = new Peer(name, cmd, env, outDir.resolve(name + ".log"));
                peers.put(name, p);
            }
            for (Peer p : peers.values()) {
                if (p.failure != null) continue;
                String line = p.out.readLine();
                while (line != null && !line.startsWith("INFO")) line = p.out.readLine();
                if (line == null) {
                    p.failure = "did not start (see " + outDir.resolve(p.name + ".log") + ")";
                    p.process.destroy();
                    System.out.println("peer " + p.name + ": " + p.failure);
                } else {
                    p.info = line.substring(5);
                    System.out.println("peer " + p.name + ": " + p.info);
                }
            }
        }

        void missing(String name, String why) {
            String n = "Peer " + name + " is missing: " + why + "; going on without it.";
            notes.add(n);
            System.out.println(n);
        }

        static String pythonWithTorch() {
            Set<String> candidates = new LinkedHashSet<>();
            String env = System.getenv("NABLA_PYTHON");
            if (env != null) candidates.add(env);
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
            for (String py : candidates) {
                try {
                    Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor() == 0) return py;
                } catch (IOException e) {
                    // not there
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        }

        /** The classpath this class was loaded from (exec:java's class loader, or the JVM's). */
        static String classpath() {
            Set<String> entries = new LinkedHashSet<>();
            for (ClassLoader cl = VsPyTorch.class.getClassLoader(); cl != null; cl = cl.getParent()) {
                if (cl instanceof URLClassLoader u) {
                    for (URL url : u.getURLs()) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
            if (entries.isEmpty()) return System.getProperty("java.class.path");
            return String.join(File.pathSeparator, entries);
        }

        static String machine() {
            String cpu = "?";
            try {
                for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (l.startsWith("model name")) {
                        cpu = l.substring(l.indexOf(':') + 1).trim();
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String load = "?";
            try {
                load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
            } catch (IOException e) {
                // not Linux
            }
            return String.format(Locale.ROOT, "%d cores (%s), %s %s, Java %s, load average %s at the start", Runtime.getRuntime().availableProcessors(), cpu,
                    System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"), load);
        }
    }
}
