package dev.nabla.datasets;

import dev.nabla.api.AtomicFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Finds a dataset's files, or fetches them from its mirrors: into a temporary file beside the target,
 * checked against a pinned checksum, then moved into place, so that no failure leaves a bad file behind.
 */
final class Download {
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

    private static volatile HttpClient client;

    private static HttpClient client() {
        if (client == null) {
            synchronized (Download.class) {
                if (client == null) {
                    client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                            .connectTimeout(Duration.ofSeconds(30)).build();
                }
            }
        }
        return client;
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
                    HttpResponse<Path> response;
                    try {
                        response = client().send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException(dataset + ": interrupted while downloading " + url);
                    }
                    String mismatch = response.statusCode() == 200 ? verify(tmp, r) : null;
                    if (response.statusCode() != 200) failure[0] = url + ": HTTP status " + response.statusCode();
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

    static URI url(URI mirror, String file) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + file : base + "/" + file);
    }
}
