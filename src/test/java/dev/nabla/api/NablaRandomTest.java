package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Nabla's own generator gives java.util.Random's numbers, and its state is plain numbers that restore it exactly. */
class NablaRandomTest {
    /** Every kind of draw, interleaved, from a generator: the sequence two generators must agree on. */
    private static long[] draws(Random r) {
        long[] out = new long[2000];
        byte[] bytes = new byte[7];
        for (int i = 0; i < out.length; ) {
            out[i++] = r.nextInt();
            out[i++] = r.nextInt(1 + i % 1000);
            out[i++] = r.nextInt(1 << 30);
            out[i++] = r.nextLong();
            out[i++] = Double.doubleToLongBits(r.nextDouble());
            out[i++] = Float.floatToIntBits(r.nextFloat());
            out[i++] = r.nextBoolean() ? 1 : 0;
            out[i++] = Double.doubleToLongBits(r.nextGaussian());   // odd counts leave a pending Gaussian
            r.nextBytes(bytes);
            out[i++] = bytes[0] ^ ((long) bytes[6] << 8);
            out[i++] = r.ints(3, 0, 10).sum() + r.nextLong(5, 900);
        }
        return out;
    }

    @Test void givesTheNumbersOfJavaUtilRandomForTheSameSeed() {
        for (long seed : new long[] {0, 1, 7, -1, Long.MIN_VALUE, 0x5DEECE66DL, 123456789012345L}) {
            assertThat(draws(new NablaRandom(seed))).as("seed %d", seed).containsExactly(draws(new Random(seed)));
            NablaRandom reseeded = new NablaRandom(99);
            reseeded.nextGaussian();                                   // a pending Gaussian that setSeed must drop
            reseeded.setSeed(seed);
            assertThat(draws(reseeded)).as("reseeded %d", seed).containsExactly(draws(new Random(seed)));
        }
    }

    @Test void stateRestoresEveryFollowingDrawIncludingAPendingGaussian() {
        NablaRandom r = new NablaRandom(42);
        r.nextGaussian();                                              // the second of the pair is now pending
        NablaRandom.State s = r.state();
        assertThat(s.haveNextGaussian()).isTrue();
        long[] expected = draws(r);
        NablaRandom other = new NablaRandom(5);
        other.setState(s);
        assertThat(draws(other)).containsExactly(expected);
        assertThat(new NablaRandom.State(s.word(), s.haveNextGaussian(), s.nextGaussian())).isEqualTo(s);
    }

    @Test void manualSeedAndRngStateDriveTheThreadsGenerator() {
        Nabla.manualSeed(11);
        long[] fromSeed = draws(Nabla.javaRandom());
        assertThat(fromSeed).containsExactly(draws(new Random(11)));
        Nabla.manualSeed(11);
        Nabla.javaRandom().nextGaussian();
        Nabla.RngState state = Nabla.getRngState();
        long[] next = draws(Nabla.javaRandom());
        Tensor.rand(10);
        Nabla.setRngState(state);
        assertThat(draws(Nabla.javaRandom())).containsExactly(next);
    }

    @Test void badStatesAndSerialisationAreRefused() {
        assertThatThrownBy(() -> new NablaRandom.State(1L << 48, false, 0)).hasMessageContaining("48-bit word");
        assertThatThrownBy(() -> new NablaRandom.State(-1, false, 0)).hasMessageContaining("48-bit word");
        assertThatThrownBy(() -> new NablaRandom.State(5, true, Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> new NablaRandom.State(5, false, 0.5)).hasMessageContaining("0 when there is none");
        Function<Object, Void> serialise = o -> {
            try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                out.writeObject(o);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return null;
        };
        assertThatThrownBy(() -> serialise.apply(new NablaRandom(1))).hasCauseInstanceOf(NotSerializableException.class)
                .hasStackTraceContaining("state()");
    }
}
