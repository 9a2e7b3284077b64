package dev.nabla.spark;

/** A collective operation could not finish: the message names the peer rank and what went wrong. */
public class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int peerRank;

    public CollectiveException(int peerRank, String message, Throwable cause) {
        super(message, cause);
        this.peerRank = peerRank;
    }

    /** The rank of the peer that failed, or -1 when it is not one peer. */
    public int peerRank() {
        return peerRank;
    }
}
