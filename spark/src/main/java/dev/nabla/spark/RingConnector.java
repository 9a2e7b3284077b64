package dev.nabla.spark;

import java.time.Duration;
import java.util.List;

/** {@link Connector#ring()}: endpoints are {@link RingCollective.Listener}s. */
final class RingConnector implements Connector {
    private static final long serialVersionUID = 1L;
    static final RingConnector INSTANCE = new RingConnector();

    private RingConnector() {}

    private Object readResolve() { return INSTANCE; }

    @Override
    public Endpoint listen(String bindHost, Duration timeout) {
        RingCollective.Listener l = RingCollective.listen(bindHost, timeout);
        return new Endpoint() {
            @Override public String address() { return l.address(); }
            @Override public Collective connect(int rank, List<String> addressesByRank, String jobId) { return l.connect(rank, addressesByRank, jobId); }
            @Override public void close() { l.close(); }
        };
    }
}
