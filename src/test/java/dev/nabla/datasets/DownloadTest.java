package dev.nabla.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server on 127.0.0.1 serving the shared data; never any other address. */
class DownloadTest {
    static HttpServer server;
    static Path fashion;
    @TempDir Path tmp;

    @BeforeAll static void start() throws IOException {
        fashion = TestData.file("fashion-mnist/t10k-images-idx3-ubyte.gz").getParent();
        Path wrong = TestData.file("mnist-10k/images-idx3-ubyte.gz");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/good/", ex -> send(ex, Files.readAllBytes(fashion.resolve(name(ex))), false));
        server.createContext("/wrong/", ex -> send(ex, Files.readAllBytes(wrong), false));
        server.createContext("/truncated/", ex -> send(ex, Files.readAllBytes(fashion.resolve(name(ex))), true));
        server.createContext("/missing/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterAll static void stop() { server.stop(0); }

    private static String name(HttpExchange ex) {
        String p = ex.getRequestURI().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static void send(HttpExchange ex, byte[] body, boolean truncate) throws IOException {
        ex.sendResponseHeaders(200, body.length);
        OutputStream out = ex.getResponseBody();
        try {
            out.write(body, 0, truncate ? body.length / 2 : body.length);
            out.flush();
            if (truncate) throw new IOException("truncating on purpose"); // closes the connection without the rest
            out.close();
        } catch (IOException e) {
            ex.close();
        }
    }

    private static URI mirror(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path + "/");
    }

    private List<Path> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test void goodDownloadIsVerifiedAndMovedIntoPlace() throws IOException {
        var test = new FashionMnist(tmp, false, null, mirror("good"));
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(filesIn(tmp.resolve("fashion-mnist"))).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        // a second load finds the files and downloads nothing
        assertThat(new FashionMnist(tmp, false, null, mirror("missing")).size()).isEqualTo(10_000);
    }

    @Test void checksumMismatchLeavesNothingBehind() throws IOException {
        assertThatThrownBy(() -> new FashionMnist(tmp, false, null, mirror("wrong"))).isInstanceOf(IOException.class)
                .hasMessageContaining("could not download t10k-images-idx3-ubyte.gz")
                .hasMessageContaining("checksum mismatch: expected SHA-256 346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073")
                .hasMessageContaining("discarded");
        assertThat(filesIn(tmp.resolve("fashion-mnist"))).isEmpty();
    }

    @Test void truncatedTransferLeavesNothingBehind() {
        assertThatThrownBy(() -> new FashionMnist(tmp, false, null, mirror("truncated"))).isInstanceOf(IOException.class)
                .hasMessageContaining("could not download t10k-images-idx3-ubyte.gz")
                .hasMessageContaining(mirror("truncated") + "t10k-images-idx3-ubyte.gz: IOException")
                .hasMessageNotContaining("checksum");
        assertThat(filesInQuietly(tmp.resolve("fashion-mnist"))).isEmpty();
    }

    @Test void notFoundLeavesNothingBehindAndSaysWhatToDo() {
        Path dir = tmp.resolve("fashion-mnist");
        assertThatThrownBy(() -> new FashionMnist(tmp, true, null, mirror("missing"))).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP status 404")
                .hasMessageContaining("put train-images-idx3-ubyte.gz into " + dir)
                .hasMessageContaining(mirror("missing") + "train-images-idx3-ubyte.gz");
        assertThat(filesInQuietly(dir)).isEmpty();
    }

    @Test void noNetworkNamesTheFileWhereToPutItAndWhereToFetchIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port + "/mnist/");
        assertThatThrownBy(() -> new Mnist(tmp, false, null, closed)).isInstanceOf(IOException.class)
                .hasMessageContaining("Mnist: could not download t10k-images-idx3-ubyte.gz")
                .hasMessageContaining("ConnectException")
                .hasMessageContaining("put t10k-images-idx3-ubyte.gz into " + tmp.resolve("mnist"))
                .hasMessageContaining(closed + "t10k-images-idx3-ubyte.gz");
        assertThat(filesInQuietly(tmp.resolve("mnist"))).isEmpty();
    }

    @Test void laterMirrorsAreTriedInTurn() throws IOException {
        Path dir = tmp.resolve("fashion-mnist");
        Download.fetch("FashionMnist", dir, FashionMnist.SPEC.testLabels(), List.of(mirror("missing"), mirror("good")));
        assertThat(Download.digest(dir.resolve("t10k-labels-idx1-ubyte.gz"), "SHA-256", false))
                .isEqualTo(Download.digest(fashion.resolve("t10k-labels-idx1-ubyte.gz"), "SHA-256", false));
    }

    private List<Path> filesInQuietly(Path dir) {
        try {
            return filesIn(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
