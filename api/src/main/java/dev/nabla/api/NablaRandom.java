package dev.nabla.api;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Random;

/**
 * The Java-side generator of Nabla ({@link Nabla#javaRandom()}): the same numbers as {@link java.util.Random}
 * for the same seed (the 48-bit linear congruential generator and the polar method of {@code nextGaussian}
 * that {@code java.util.Random}'s specification gives), with its whole state readable and settable as plain
 * numbers, so that a checkpoint stores it as data and restores it without deserialising anything.
 *
 * <p>The state is the 48-bit word of the generator and, after an odd number of {@code nextGaussian} calls, the
 * second Gaussian value of the last pair (see {@link State}).
 *
 * <pre>{@code
 * NablaRandom r = Nabla.javaRandom();
 * NablaRandom.State s = r.state();
 * double a = r.nextGaussian();
 * r.setState(s);
 * assert r.nextGaussian() == a;
 * }</pre>
 */
public final class NablaRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    // no initialisers: java.util.Random's constructor calls setSeed before this class's fields would be initialised
    private long word;
    private boolean haveNextGaussian;
    private double nextGaussian;

    /**
     * The state of a {@link NablaRandom}: the generator's 48-bit word (in [0, 2^48)) and whether a second Gaussian
     * value is pending, with that value (0 when none is).
     */
    public record State(long word, boolean haveNextGaussian, double nextGaussian) {
        public State {
            if (word < 0 || word > MASK) {
                throw new IllegalArgumentException("NablaRandom.State: expected a 48-bit word in [0, 2^48), got " + word);
            }
            if (!Double.isFinite(nextGaussian) || (!haveNextGaussian && nextGaussian != 0)) {
                throw new IllegalArgumentException("NablaRandom.State: expected a finite pending Gaussian (0 when there is none), got "
                        + nextGaussian + " with haveNextGaussian=" + haveNextGaussian);
            }
        }
    }

    /** A generator seeded as {@code new Random()} seeds itself (differently at every call). */
    public NablaRandom() { super(); }

    /** A generator that gives the numbers of {@code new Random(seed)}. */
    public NablaRandom(long seed) { super(seed); }

    @Override public synchronized void setSeed(long seed) {
        word = (seed ^ MULTIPLIER) & MASK;
        haveNextGaussian = false;
        nextGaussian = 0;
    }

    @Override protected synchronized int next(int bits) {
        word = (word * MULTIPLIER + ADDEND) & MASK;
        return (int) (word >>> (48 - bits));
    }

    @Override public synchronized double nextGaussian() {
        if (haveNextGaussian) {
            haveNextGaussian = false;
            double v = nextGaussian;
            nextGaussian = 0;
            return v;
        }
        double v1, v2, s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextGaussian = v2 * multiplier;
        haveNextGaussian = true;
        return v1 * multiplier;
    }

    /** The whole state, as plain numbers. */
    public synchronized State state() { return new State(word, haveNextGaussian, nextGaussian); }

    /** Restores a state from {@link #state()}: every following number is what followed it then. */
    public synchronized void setState(State s) {
        word = s.word();
        haveNextGaussian = s.haveNextGaussian();
        nextGaussian = s.nextGaussian();
    }

    /** Not serialisable: its state is {@link #state()}, plain numbers. */
    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("NablaRandom: store state() (plain numbers) instead of serialising the generator");
    }
}
