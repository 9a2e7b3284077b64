package dev.nabla.spark;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How the ranks of a {@link SparkTrainer} build their {@link Collective}: each rank opens an endpoint, the addresses
 * go round once (Spark's {@code allGather}), and each rank connects to the others. The default is the TCP ring
 * ({@link RingCollective}); a connector is sent to the executors, so it is {@link Serializable}.
 */
public interface Connector extends Serializable {

    /** Opens this rank's endpoint on {@code bindHost}; every later operation fails after {@code timeout} without progress. */
    Endpoint listen(String bindHost, Duration timeout) throws IOException;

    /** An open endpoint, before the ranks are connected. */
    interface Endpoint extends AutoCloseable {
        /** Where the other ranks reach this one, e.g. {@code "10.0.0.7:40123"}. */
        String address();

        /**
         * Connects to the other ranks, whose addresses are given by rank (this rank's own included); {@code jobId} names
         * the stage attempt, so that a peer left over from another attempt is refused.
         */
        Collective connect(int rank, List<String> addressesByRank, String jobId) throws IOException;

        /** Closes the endpoint (not a collective it made); idempotent. */
        @Override
        void close();
    }

    /** The TCP ring all-reduce of {@link RingCollective}. */
    static Connector ring() { return RingConnector.INSTANCE; }
}
