package dev.nabla.spark;

import java.io.IOException;
import java.net.SocketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One rank's joining of the ring, all on one selector so that no rank waits for another's order: connect to rank+1
 * (retrying while it refuses) and send the hello, accept connections until one from rank−1 passes the checks (the
 * others get a refusal with the reason and are closed), and read rank+1's answer; all before one deadline.
 */
final class RingSetup {
    private static final long RETRY_MILLIS = 50;

    private final int rank, worldSize, next, prev;
    private final String jobId;
    private final ServerSocketChannel server;
    private final InetSocketAddress nextAddress;
    private final long timeoutMillis;

    private final List<String> refusals = new ArrayList<>();
    private String connectFailure;

    RingSetup(int rank, int worldSize, String jobId, ServerSocketChannel server, InetSocketAddress nextAddress, long timeoutMillis) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.next = (rank + 1) % worldSize;
        this.prev = (rank - 1 + worldSize) % worldSize;
        this.jobId = jobId;
        this.server = server;
        this.nextAddress = nextAddress;
        this.timeoutMillis = timeoutMillis;
    }

    /** A connection from some rank that has not yet passed the checks. */
    private static final class Candidate {
        final SocketChannel channel;
        final Handshake.Reader hello = new Handshake.Reader();
        ByteBuffer answer;
        boolean accept;

        Candidate(SocketChannel channel) { this.channel = channel; }
    }

    /** Runs the set-up; on failure everything opened here is closed. */
    RingStream run() {
        long start = System.nanoTime(), deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Selector sel = null;
        SocketChannel out = null, in = null;
        List<SocketChannel> opened = new ArrayList<>();
        boolean ok = false;
        try {
            sel = Selector.open();
            SelectionKey serverKey = server.register(sel, SelectionKey.OP_ACCEPT);
            ByteBuffer hello = Handshake.hello(rank, worldSize, jobId);
            Handshake.Reader answer = new Handshake.Reader();
            SelectionKey outKey = null;
            long retryAt = start;
            boolean connected = false, answered = false;
            while (!(answered && in != null)) {
                long now = System.nanoTime();
                if (now - deadline >= 0) throw timeout(connected, answered, in != null, now - start);
                if (out == null && now - retryAt >= 0) {
                    out = SocketChannel.open();
                    opened.add(out);
                    RingCollective.configure(out);
                    try {
                        connected = out.connect(nextAddress);
                        outKey = out.register(sel, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT);
                    } catch (SocketException e) {
                        connectFailure = e.getMessage();
                        out.close();
                        out = null;
                        retryAt = now + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
                    }
                }
                long waitNanos = deadline - now;
                if (out == null) waitNanos = Math.min(waitNanos, retryAt - now);
                sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                for (SelectionKey key : sel.selectedKeys()) {
                    if (!key.isValid()) continue;
                    if (key == serverKey) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            opened.add(c);
                            RingCollective.configure(c);
                            c.register(sel, SelectionKey.OP_READ, new Candidate(c));
                        }
                    } else if (key == outKey) {
                        if (key.isConnectable()) {
                            try {
                                connected = out.finishConnect();
                            } catch (SocketException e) {   // not listening (yet, or any more): try again until the deadline
                                connectFailure = e.getMessage();
                                key.cancel();
                                out.close();
                                out = null;
                                retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
                                continue;
                            }
                            if (connected) key.interestOps(SelectionKey.OP_WRITE);
                            continue;
                        }
                        try {
                            if (key.isWritable() && hello.hasRemaining()) {
                                out.write(hello);
                                if (!hello.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
                            }
                            if (key.isReadable() && readAnswer(out, answer)) {
                                answered = true;
                                key.interestOps(0);
                            }
                        } catch (IOException e) {   // reset: it failed (or refused someone) and closed before answering us
                            throw new CollectiveException(next, prefix() + "the connection to rank " + next + " at " + nextAddress
                                    + " failed during the handshake (" + e.getMessage() + "): it closed, failed or restarted", e);
                        }
                    } else if (key.attachment() instanceof Candidate c) {
                        try {
                            if (candidate(key, c)) {
                                in = c.channel;
                                serverKey.cancel();
                            }
                        } catch (IOException e) {   // one bad connection does not end the wait for rank−1
                            refusals.add("a connection from " + remote(c.channel) + " failed (" + e.getMessage() + ")");
                            key.cancel();
                            c.channel.close();
                        }
                    }
                }
                sel.selectedKeys().clear();
            }
            sel.close();   // deregisters both channels for the stream's own selector
            sel = null;
            for (SocketChannel c : opened) {
                if (c != out && c != in) c.close();
            }
            RingStream stream = new RingStream(rank, worldSize, out, in, timeoutMillis);
            ok = true;
            return stream;
        } catch (IOException e) {
            throw new CollectiveException(-1, prefix() + "an I/O error on this rank's listening port or selector: " + e, e);
        } finally {
            if (!ok) {
                try {
                    if (sel != null) sel.close();
                } catch (IOException ignored) {
                    // failing already
                }
                for (SocketChannel c : opened) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // failing already
                    }
                }
            }
        }
    }

    /** Reads rank+1's answer; true once it accepted this rank, an exception if it refused or answered badly. */
    private boolean readAnswer(SocketChannel out, Handshake.Reader answer) throws IOException {
        ByteBuffer target = answer.target();
        if (target != null && out.read(target) < 0) {
            throw new CollectiveException(next, prefix() + "rank " + next + " at " + nextAddress + " closed the connection before answering the handshake", null);
        }
        if (!answer.offer()) return false;
        if (answer.error() != null) {
            throw new CollectiveException(next, prefix() + "rank " + next + " at " + nextAddress + " answered the handshake badly: " + answer.error(), null);
        }
        if (answer.rank() != next) {
            throw new CollectiveException(next, prefix() + "the peer at " + nextAddress + " says it is rank " + answer.rank() + ", expected rank " + next
                    + ": the address list differs between ranks", null);
        }
        if (answer.third() != Handshake.ACCEPTED) {
            throw new CollectiveException(next, prefix() + "rank " + next + " at " + nextAddress + " refused this rank: " + answer.text(), null);
        }
        return true;
    }

    /** Advances one incoming connection; true once it is rank−1 of this job, accepted and told so. */
    private boolean candidate(SelectionKey key, Candidate c) throws IOException {
        if (c.answer == null && key.isReadable()) {
            ByteBuffer target = c.hello.target();
            if (target != null && c.channel.read(target) < 0) {
                refusals.add("a connection from " + remote(c.channel) + " closed before its hello");
                key.cancel();
                c.channel.close();
                return false;
            }
            if (!c.hello.offer()) return false;
            String reason = check(c.hello);
            c.accept = reason == null;
            c.answer = Handshake.answer(rank, c.accept ? Handshake.ACCEPTED : Handshake.REFUSED, c.accept ? "" : reason);
            if (!c.accept) refusals.add(remote(c.channel) + ": " + reason);
            key.interestOps(SelectionKey.OP_WRITE);
        }
        if (c.answer != null && key.isValid() && key.isWritable()) {
            c.channel.write(c.answer);
            if (!c.answer.hasRemaining()) {
                key.cancel();
                if (c.accept) return true;
                c.channel.close();
            }
        }
        return false;
    }

    /** Why this hello is refused, or null when it is rank−1 of this ring, job and attempt. */
    private String check(Handshake.Reader hello) {
        if (hello.error() != null) return hello.error();
        if (hello.third() != worldSize || hello.rank() != prev) {
            return "it says it is rank " + hello.rank() + " of " + hello.third() + ", expected rank " + prev + " of " + worldSize;
        }
        if (!hello.text().equals(jobId)) {
            return "it belongs to job/attempt '" + hello.text() + "', expected '" + jobId + "' (a stale peer of another attempt?)";
        }
        return null;
    }

    private CollectiveException timeout(boolean connected, boolean answered, boolean accepted, long waitedNanos) {
        List<String> missing = new ArrayList<>();
        if (!connected) {
            missing.add("could not connect to rank " + next + " at " + nextAddress + (connectFailure == null ? "" : " (" + connectFailure + ")"));
        } else if (!answered) {
            missing.add("rank " + next + " at " + nextAddress + " did not answer the handshake");
        }
        if (!accepted) {
            missing.add("no connection from rank " + prev + " passed the handshake" + (refusals.isEmpty() ? "" : " (refused: " + String.join("; ", refusals) + ")"));
        }
        int peer = !answered ? next : prev;
        return new CollectiveException(peer, prefix() + String.join(", and ", missing) + " within " + TimeUnit.NANOSECONDS.toMillis(waitedNanos)
                + " ms (timeout " + timeoutMillis + " ms)", null);
    }

    private String prefix() { return "RingCollective.connect(rank " + rank + " of " + worldSize + ", job '" + jobId + "'): "; }

    private static String remote(SocketChannel c) {
        try {
            return String.valueOf(c.getRemoteAddress());
        } catch (IOException e) {
            return "an unknown address";
        }
    }
}
