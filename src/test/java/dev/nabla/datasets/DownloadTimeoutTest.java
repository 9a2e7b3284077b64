package dev.nabla.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers on 127.0.0.1 that stall, trickle or never answer: each download fails within its timeouts and leaves
 * no file, not even a partial one, in the target folder. Every wait of the test is bounded.
 */
class DownloadTimeoutTest {
    static HttpServer server;
    static ExecutorService handlers;
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static byte[] labels;
    @TempDir Path tmp;

    @BeforeAll static void start() throws IOException {
        labels = Files.readAllBytes(TestData.file("fashion-mnist/t10k-labels-idx1-ubyte.gz"));
        handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "download-timeout-test-server");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/stall/", ex -> {           // 100 bytes of the announced 1 MB, then nothing
            ex.sendResponseHeaders(200, 1 << 20);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[100]);
            out.flush();
            await();
            ex.close();
        });
        server.createContext("/trickle/", ex -> trickle(ex, null));  // 1 kB every 200 ms, forever
        server.createContext("/slow/", ex -> trickle(ex, labels));   // the real file, 1 kB every 200 ms
        server.createContext("/silent/", ex -> {          // accepts the request, never answers
            await();
            ex.close();
        });
        server.start();
    }

    private static void trickle(HttpExchange ex, byte[] body) throws IOException {
        ex.sendResponseHeaders(200, body == null ? 0 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            for (int off = 0; body == null || off < body.length; off += 1024) {
                out.write(body == null ? new byte[1024] : Arrays.copyOfRange(body, off, Math.min(body.length, off + 1024)));
                out.flush();
                if (RELEASE.await(200, TimeUnit.MILLISECONDS)) return;
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up
        } finally {
            ex.close();
        }
    }

    private static void await() {
        try {
            RELEASE.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll static void stop() {
        RELEASE.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    @BeforeEach void shortTimeouts() { Download.setTimeouts(Duration.ofMillis(600), Duration.ofSeconds(2)); }

    @AfterEach void defaults() { Download.setTimeouts(Duration.ofSeconds(30), Duration.ofHours(1)); }

    private static URI mirror(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path + "/");
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Fetches Fashion-MNIST's test labels from {@code path}; the seconds it took to fail, and the error. */
    private double failsWithin(String path, double maxSeconds, String... messages) throws IOException {
        Path dir = tmp.resolve("fashion-mnist");
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            var thrown = assertThatThrownBy(() -> Download.fetch("FashionMnist", dir, FashionMnist.SPEC.testLabels(), List.of(mirror(path))))
                    .isInstanceOf(IOException.class).hasMessageContaining("could not download t10k-labels-idx1-ubyte.gz");
            for (String m : messages) thrown.hasMessageContaining(m);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds).isLessThan(maxSeconds);
        assertThat(filesIn(dir)).as("files left in %s", dir).isEmpty();
        return seconds;
    }

    @Test void aServerThatStallsAfterAFewBytesTimesOut() throws IOException {
        failsWithin("stall", 6, "HttpTimeoutException", "no data for 600 ms after 100 bytes");
    }

    @Test void aServerThatTricklesForeverMeetsTheDeadline() throws IOException {
        double s = failsWithin("trickle", 8, "HttpTimeoutException", "the download took longer than 2 s");
        assertThat(s).isGreaterThanOrEqualTo(1.9);
    }

    @Test void aServerThatNeverAnswersTimesOut() throws IOException {
        failsWithin("silent", 6, "HttpTimeoutException", "no response within 600 ms");
    }

    /** The idle timeout counts from the last byte: a slow transfer that keeps coming succeeds. */
    @Test void aSlowTransferThatKeepsComingSucceeds() throws IOException {
        Download.setTimeouts(Duration.ofMillis(600), Duration.ofSeconds(15));
        Path dir = tmp.resolve("fashion-mnist");
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Download.fetch("FashionMnist", dir, FashionMnist.SPEC.testLabels(), List.of(mirror("slow"))));
        assertThat(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"))).isEqualTo(labels);
        assertThat(filesIn(dir)).containsExactly("t10k-labels-idx1-ubyte.gz");
    }

    @Test void timeoutsAreValidated() {
        assertThat(Download.idleTimeout()).isEqualTo(Duration.ofMillis(600));
        assertThatThrownBy(() -> Download.setTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Download.setTimeouts: expected positive");
        assertThatThrownBy(() -> Download.setTimeouts(Duration.ofSeconds(1), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
