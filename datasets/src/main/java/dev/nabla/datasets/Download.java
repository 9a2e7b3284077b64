package dev.nabla.datasets;

import dev.nabla.api.AtomicFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * How datasets find their files, or fetch them from their mirrors: into a temporary file beside the target,
 * checked against a pinned checksum, then moved into place, so that no failure leaves a bad file behind.
 *
 * <p>Every download has a deadline: it fails when no byte arrives for {@link #idleTimeout()} (30 s, also the
 * limit for connecting and for the response to start) or when the whole file takes longer than
 * {@link #totalTimeout()} (1 hour); then the next mirror is tried.
 *
 * <pre>{@code
 * Download.setTimeouts(Duration.ofMinutes(2), Duration.ofHours(4));   // a slow connection
 * var train = new Cifar100(Path.of("data"), true, new ToTensor(), true);
 * }</pre>
 */
public final class Download {
    private Download() {}

    /**
     * A file of a dataset and its pinned checksums: the SHA-256 (or, where the publisher gives only that,
     * the MD5) of the file as served, and for gzipped files optionally the SHA-256 of the uncompressed
     * content (which also accepts the same data gzipped differently).
     */
    record Resource(String file, String sha256, String md5, String rawSha256) {
        Resource {
            if (sha256 == null && md5 == null) throw new IllegalArgumentException("Resource " + file + ": no checksum");
        }

        static Resource sha256(String file, String sha256, String rawSha256) { return new Resource(file, sha256, null, rawSha256); }
    }

    private static volatile Duration idleTimeout = Duration.ofSeconds(30), totalTimeout = Duration.ofHours(1);
    private static HttpClient client;
    private static Duration clientTimeout;
    private static ScheduledExecutorService watchdog;

    /** How long a download may go without receiving a byte (also to connect, and for the response to start); 30 s. */
    public static Duration idleTimeout() { return idleTimeout; }

    /** How long one file's download may take in all; 1 hour. */
    public static Duration totalTimeout() { return totalTimeout; }

    /** Sets {@link #idleTimeout()} and {@link #totalTimeout()}, both positive, for the downloads that start after. */
    public static synchronized void setTimeouts(Duration idle, Duration total) {
        if (idle == null || idle.isNegative() || idle.isZero() || total == null || total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("Download.setTimeouts: expected positive durations, got idle " + idle + ", total " + total);
        }
        idleTimeout = idle;
        totalTimeout = total;
    }

    private static synchronized HttpClient client(Duration connect) {
        if (client == null || !connect.equals(clientTimeout)) {
            client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(connect).build();
            clientTimeout = connect;
        }
        return client;
    }

    private static synchronized ScheduledExecutorService watchdog() {
        if (watchdog == null) {
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nabla-download-watchdog");
                t.setDaemon(true);
                return t;
            });
        }
        return watchdog;
    }

    /**
     * The path of {@code r} in {@code dir} (for a {@code .gz} resource, its uncompressed twin too);
     * fetched from the mirrors if missing and {@code download}, else an error saying where to put it.
     */
    static Path locate(String dataset, Path dir, Resource r, boolean download, List<URI> mirrors) throws IOException {
        Path p = dir.resolve(r.file());
        if (Files.isRegularFile(p)) return p;
        Path plain = r.file().endsWith(".gz") ? dir.resolve(r.file().substring(0, r.file().length() - 3)) : null;
        if (plain != null && Files.isRegularFile(plain)) return plain;
        for (Path q : plain == null ? List.of(p) : List.of(p, plain)) {
            if (Files.isDirectory(q)) {
                throw new IOException(dataset + ": " + q + " is a directory where the file " + q.getFileName()
                        + " is expected; remove it (or move the file out of it) and put the file itself into " + dir);
            }
        }
        if (!download) {
            throw new FileNotFoundException(dataset + ": " + p + " not found. Put " + r.file()
                    + (r.file().endsWith(".gz") ? " (or its uncompressed form)" : "") + " into " + dir
                    + ", or pass download = true to fetch it from " + url(mirrors.get(0), r.file()));
        }
        fetch(dataset, dir, r, mirrors);
        return p;
    }

    /** Downloads {@code r} into {@code dir}, trying each mirror in turn. */
    static void fetch(String dataset, Path dir, Resource r, List<URI> mirrors) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(r.file());
        List<String> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            URI url = url(mirror, r.file());
            String[] failure = {null};
            try {
                AtomicFile.write(target, tmp -> {
                    int status = transfer(dataset, url, tmp);
                    String mismatch = status == 200 ? verify(tmp, r) : null;
                    if (status != 200) failure[0] = url + ": HTTP status " + status;
                    else if (mismatch != null) failure[0] = url + ": " + mismatch + " (the download was discarded)";
                    if (failure[0] != null) throw new IOException(failure[0]);   // nothing is moved into place
                });
                return;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                failures.add(failure[0] != null ? failure[0]
                        : url + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
        StringBuilder where = new StringBuilder();
        for (URI m : mirrors) where.append("\n  ").append(url(m, r.file()));
        throw new IOException(dataset + ": could not download " + r.file() + ":\n  " + String.join("\n  ", failures)
                + "\nWithout network access, put " + r.file() + " into " + dir + " by hand; it can be fetched from:" + where);
    }

    /**
     * GETs {@code url} into {@code tmp} within the timeouts; the HTTP status (the body is written only for 200).
     * A watchdog closes the body when no byte came for the idle timeout or the deadline passed; the read
     * then fails with an {@link HttpTimeoutException} saying which.
     */
    private static int transfer(String dataset, URI url, Path tmp) throws IOException {
        Duration idle = idleTimeout, total = totalTimeout;
        long start = System.nanoTime(), deadline = start + total.toNanos();
        Duration first = idle.compareTo(total) < 0 ? idle : total;
        HttpResponse<InputStream> response;
        try {
            response = client(first).send(HttpRequest.newBuilder(url).timeout(first).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new HttpConnectTimeoutException("could not connect within " + human(first));
        } catch (HttpTimeoutException e) {
            throw new HttpTimeoutException("no response within " + human(first) + " (the server accepted the connection but did not answer)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(dataset + ": interrupted while downloading " + url);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) return response.statusCode();
            Watch watch = new Watch(body, idle.toNanos(), deadline, idle, total);
            long tick = Math.max(5, Math.min(500, first.toMillis() / 8));
            ScheduledFuture<?> check = watchdog().scheduleWithFixedDelay(watch, tick, tick, TimeUnit.MILLISECONDS);
            long bytes = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = body.read(buf)) >= 0; ) {
                    watch.progress(n);
                    out.write(buf, 0, n);
                    bytes += n;
                }
            } catch (IOException e) {
                if (watch.reason != null) throw new HttpTimeoutException(watch.reason);
                throw e;
            } finally {
                check.cancel(false);
            }
            if (watch.reason != null) throw new HttpTimeoutException(watch.reason);
            OptionalLong length = response.headers().firstValueAsLong("content-length");
            if (length.isPresent() && length.getAsLong() != bytes) {
                throw new IOException("truncated transfer: " + bytes + " of the " + length.getAsLong() + " bytes announced");
            }
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException(dataset + ": interrupted while downloading " + url);
            return 200;
        }
    }

    /** Closes a response body that went quiet for too long or ran past its deadline, and says why. */
    private static final class Watch implements Runnable {
        private final InputStream body;
        private final long idleNanos, deadline;
        private final Duration idle, total;
        private volatile long last = System.nanoTime(), bytes;
        volatile String reason;

        Watch(InputStream body, long idleNanos, long deadline, Duration idle, Duration total) {
            this.body = body;
            this.idleNanos = idleNanos;
            this.deadline = deadline;
            this.idle = idle;
            this.total = total;
        }

        void progress(int n) {
            last = System.nanoTime();
            bytes += n;
        }

        @Override public void run() {
            if (reason != null) return;
            long now = System.nanoTime();
            if (now - last > idleNanos) {
                reason = "no data for " + human(idle) + " after " + bytes + " bytes (the server stalled); Download.setTimeouts sets the limit";
            } else if (now - deadline > 0) {
                reason = "the download took longer than " + human(total) + " (" + bytes + " bytes received); Download.setTimeouts sets the limit";
            } else {
                return;
            }
            try {
                body.close();
            } catch (IOException ignored) {
                // the reader fails or ends either way, and then reports the reason
            }
        }
    }

    /** Null if {@code file} matches one of the resource's checksums, else what differs. */
    static String verify(Path file, Resource r) throws IOException {
        String sha = digest(file, "SHA-256", false);
        if (sha.equals(r.sha256())) return null;
        String md5 = r.md5() != null ? digest(file, "MD5", false) : null;
        if (md5 != null && md5.equals(r.md5())) return null;
        if (r.rawSha256() != null) {
            try {
                if (digest(file, "SHA-256", true).equals(r.rawSha256())) return null;
            } catch (IOException notGzip) {
                // fall through to the mismatch
            }
        }
        return "checksum mismatch: expected " + (r.sha256() != null ? "SHA-256 " + r.sha256() : "MD5 " + r.md5())
                + ", got " + (r.sha256() != null ? "SHA-256 " + sha : "MD5 " + md5) + " (" + Files.size(file) + " bytes)";
    }

    static String digest(Path file, String algorithm, boolean gunzip) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new DigestInputStream(gunzip ? new GZIPInputStream(raw, 1 << 16) : raw, md)) {
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) { /* digesting */ }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + " ms";
        if (ms < 120_000) return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + " s";
        if (ms < 7_200_000) return (ms / 60_000) + " min";
        return (ms / 3_600_000) + " h";
    }

    static URI url(URI mirror, String file) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + file : base + "/" + file);
    }
}
