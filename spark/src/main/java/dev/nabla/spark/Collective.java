package dev.nabla.spark;

/**
 * The collective operations that data-parallel ranks use to stay in step: every rank calls the same operations in
 * the same order with arrays of the same length, and every rank gets the same (bit-identical) result.
 *
 * <p>An operation that cannot finish (a peer died, stalled past the timeout, or sent something else) throws
 * {@link CollectiveException} naming the peer's rank; the collective is unusable afterwards.
 */
public interface Collective extends AutoCloseable {

    /** This process's rank, 0 to {@code worldSize() - 1}. */
    int rank();

    /** The number of ranks. */
    int worldSize();

    /** In place: every element becomes the mean over the ranks of that element, the same bits on every rank. */
    void allReduceMean(float[] data);

    /** In place: every element becomes the mean over the ranks of that element, the same bits on every rank. */
    void allReduceMean(double[] data);

    /** In place: every element becomes the sum over the ranks (exact: counts, sizes, metric totals). */
    void allReduceSum(long[] data);

    /** Returns every rank's value, indexed by rank. */
    long[] allGather(long value);

    /** Closes the connections; idempotent. */
    @Override
    void close();
}
