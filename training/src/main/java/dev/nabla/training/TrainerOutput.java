package dev.nabla.training;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a {@link Trainer} prints. On a terminal, a bar per epoch (batches, ETA and the running training loss) that
 * the epoch's line, validation values included, overwrites at the epoch's end; elsewhere (an IDE, CI, a log file) one line per epoch, as Keras and
 * Lightning do: {@code epoch 0 (1 of 10)  train_loss 0.5210  val_loss 0.4102  val_accuracy 0.8750  lr 0.1  2.3 s}. Epochs are
 * numbered from 0 as in {@link EpochStats}, the CSV and the callbacks; values carry the History's names. Nothing
 * when quiet.
 */
abstract class TrainerOutput implements AutoCloseable {
    /** The output for these options: none when quiet, a bar on a terminal, lines elsewhere. */
    static TrainerOutput of(Trainer.Options options) {
        if (options.quiet()) return new TrainerOutput() {};
        PrintStream out = options.output() == null ? System.out : options.output();
        boolean terminal = System.console() != null && out == System.out;
        return terminal ? new Bar(out, options.epochs()) : new Lines(out, options.epochs());
    }

    /** An epoch of {@code batches} training batches begins. */
    void epochStart(int epoch, int batches) {}

    /** A training batch ended; {@code runningLoss} is the epoch's mean loss so far. */
    void batchEnd(double runningLoss) {}

    /** The training batches are done; validation (if any) follows. */
    void validating() {}

    /** The epoch is done, validation included. */
    void epochEnd(EpochStats stats) {}

    /** Ends an epoch's output that an exception interrupted. */
    @Override public void close() {}

    /** The values whose names start with {@code prefix}, as {@code name value} pairs: 4 decimals, {@code lr} to 6 digits. */
    static String values(Map<String, Double> values, String prefix) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> {
            if (!k.startsWith(prefix)) return;
            if (b.length() > 0) b.append("  ");
            b.append(k).append(' ').append(k.equals("lr") && Double.isFinite(v)
                    ? new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString()
                    : String.format(Locale.ROOT, "%.4f", v));
        });
        return b.toString();
    }

    /** {@code epoch 3 (4 of 10)}: the epoch's number, from 0 as in the History, and how far the run is. */
    static String epoch(int epoch, int epochs) { return "epoch " + epoch + " (" + (epoch + 1) + " of " + epochs + ")"; }

    /** The epoch's line: its number, every value, its time. */
    static String line(EpochStats s, int epochs) {
        return String.format(Locale.ROOT, "%s  %s  %.1f s", epoch(s.epoch(), epochs), values(s.values(), ""), s.seconds());
    }

    /** One line per epoch. */
    private static final class Lines extends TrainerOutput {
        private final PrintStream out;
        private final int epochs;

        Lines(PrintStream out, int epochs) {
            this.out = out;
            this.epochs = epochs;
        }

        @Override void epochEnd(EpochStats s) {
            out.println(line(s, epochs));
            out.flush();
        }
    }

    /**
     * A progress bar per epoch (me.tongfei's progressbar, clipped to the terminal's width) with the running training
     * loss, which the epoch's line, validation values included, overwrites at the epoch's end.
     */
    private static final class Bar extends TrainerOutput {
        private final PrintStream out;
        private final int epochs;
        private ProgressBar bar;
        private Console console;
        private String running = "";

        Bar(PrintStream out, int epochs) {
            this.out = out;
            this.epochs = epochs;
        }

        @Override void epochStart(int epoch, int batches) {
            close();
            running = "";
            console = new Console(out);
            bar = new ProgressBarBuilder()
                    .setTaskName(epoch(epoch, epochs))
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(console)
                    .build();
        }

        @Override void batchEnd(double runningLoss) {
            running = String.format(Locale.ROOT, " train_loss %.4f", runningLoss);
            bar.step();
            bar.setExtraMessage(running);
        }

        @Override void validating() { if (bar != null) bar.setExtraMessage(running + "  validating"); }

        @Override void epochEnd(EpochStats s) {
            console.mute();
            bar.close();
            bar = null;
            out.print('\r');
            int width = console.getMaxRenderedLength();
            String line = line(s, epochs);
            out.println(line.length() < width ? line + " ".repeat(width - line.length()) : line);
            out.flush();
        }

        @Override public void close() {
            if (bar == null) return;
            bar.close();             // an interrupted epoch: its bar stays, on a line of its own
            console.mute();
            out.println();
            bar = null;
        }
    }

    /** The bar's console, which falls silent once the epoch's line is to replace the bar (the bar's thread may render late). */
    private static final class Console extends ConsoleProgressBarConsumer {
        private volatile boolean muted;

        Console(PrintStream out) { super(out); }

        void mute() {
            synchronized (this) {
                muted = true;
            }
        }

        @Override public void accept(String rendered) {
            synchronized (this) {
                if (!muted) super.accept(rendered);
            }
        }

        @Override public void close() {}
    }
}
