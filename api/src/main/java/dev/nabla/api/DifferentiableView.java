package dev.nabla.api;

/**
 * What autograd knows of a view (as PyTorch's {@code DifferentiableViewMeta}): the base whose storage it shares, how
 * it was made, and the version of that storage at which its history ({@link Tensor#gradFn()}) was last valid.
 *
 * <p>An in-place op that writes through a view under autograd {@linkplain #rebase rebases} the history onto the base:
 * the base takes a {@link CopySlices}. Every view of the base then finds the version moved and regenerates its history
 * from the base ({@link AsStrided}) the next time autograd looks at it ({@link #refresh}). A view made in no-grad mode,
 * or one of several views returned together ({@code split}, {@code chunk}), cannot be rebased, as in PyTorch.
 */
final class DifferentiableView {
    /** How the view was made, as PyTorch's {@code CreationMeta}. */
    enum Creation { DEFAULT, NO_GRAD_MODE, MULTI_OUTPUT_NODE }

    private final Tensor base;
    private final Creation creation;
    /** For a view returned with others: the function PyTorch would name ({@code SplitBackward}) and its output number. */
    private final String multiOutputFn;
    private final int multiOutputNr;
    private int version;

    private DifferentiableView(Tensor base, Creation creation, String multiOutputFn, int multiOutputNr, int version) {
        this.base = base;
        this.creation = creation;
        this.multiOutputFn = multiOutputFn;
        this.multiOutputNr = multiOutputNr;
        this.version = version;
    }

    /** The meta of a view just made of {@code of} (whose own meta is {@code parent}, null if it is no view). */
    static DifferentiableView of(Tensor of, DifferentiableView parent) {
        Creation c = Grad.isEnabled() ? Creation.DEFAULT : Creation.NO_GRAD_MODE;
        if (parent == null) return new DifferentiableView(of, c, null, 0, of.version());
        if (c == Creation.DEFAULT && parent.creation != Creation.DEFAULT) {   // a view of a view keeps its restriction
            return new DifferentiableView(parent.base, parent.creation, null, 0, of.version());
        }
        return new DifferentiableView(parent.base, c, null, 0, of.version());
    }

    /** This view as output {@code nr} of {@code fn}, a function of several views ({@code split}, {@code chunk}). */
    DifferentiableView asMultiOutput(String fn, int nr) {
        if (creation != Creation.DEFAULT) return this;
        return new DifferentiableView(base, Creation.MULTI_OUTPUT_NODE, fn, nr, version);
    }

    Tensor base() { return base; }

    /**
     * Brings {@code view}'s history up to date: once the storage's version moved, the history is the view's region of
     * the base's current history (or none, if the base does not require grad).
     */
    void refresh(Tensor view) {
        if (view.version() == version) return;
        if (view.nd().length() > 0 && !Tensor.sharesStorage(base.nd(), view.nd())) {
            version = view.version();   // the base's storage was replaced (Module.to): the view keeps the history it had
        } else if (!base.requiresGrad()) {
            view.clearTapePlace();
        } else if (creation != Creation.DEFAULT) {
            if (!Grad.isEnabled()) return;   // stays stale: using it with grad mode on is refused
            throw refusal(view, "its base or another view of its base has been modified inplace");
        } else {
            AsStrided f = new AsStrided(StridedRegion.of("AsStridedBackward", base.nd(), view.nd()));
            f.record(new Tensor[] {base});
            view.attachTo(f, 0);
        }
        version = view.version();
    }

    /**
     * Checks, before {@code op} writes through {@code view} with grad mode on and a gradient involved, that the history
     * can be rebased; throws as PyTorch does otherwise.
     */
    void checkRebase(String op, Tensor view) {
        if (creation != Creation.DEFAULT) throw refusal(view, "is being modified inplace");
        if (base.isLeaf() && base.requiresGrad()) {
            throw new IllegalStateException(op + ": a view of a leaf Variable that requires grad is being used in an in-place "
                    + "operation (the base of shape " + base.shape() + " is a leaf that requires grad); write under "
                    + "Grad.disabled(), or into a clone()");
        }
    }

    /**
     * After an in-place op wrote {@code result} (its out-of-place value, with its history) through {@code view}: the
     * base's history becomes a {@link CopySlices} of its old history and {@code result}'s. {@code view} and the other
     * views of the base regenerate theirs from the base when next used (the version moved).
     */
    void rebase(String op, Tensor view, Tensor result) {
        CopySlices f = new CopySlices(StridedRegion.of(op, base.nd(), view.nd()));
        f.record(new Tensor[] {base.tapeStandIn(), result});
        base.attachTo(f, 0);
        version = -1;   // regenerate from the base even if the writer did not count a version (a custom function's forward)
    }

    private IllegalStateException refusal(Tensor view, String what) {
        if (creation == Creation.NO_GRAD_MODE) {
            return new IllegalStateException("A view was created in no_grad mode and " + what + " with grad mode enabled "
                    + "(a view of shape " + view.shape() + " of a base of shape " + base.shape() + "). Given that this use case is "
                    + "ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
                    + "inplace either both inside the Grad.disabled() block (if you don't want the inplace to be tracked) or "
                    + "both outside (if you want the inplace to be tracked).");
        }
        String fn = multiOutputFn != null ? multiOutputFn : view.gradFnNodeRaw() != null ? view.gradFnNodeRaw().name() : "a view function";
        int nr = multiOutputFn != null ? multiOutputNr : 0;
        String head = base.requiresGrad() ? "Output " + nr + " of " + fn + " is a view and " + what
                : "A view was created in no_grad mode and " + what + " with grad mode enabled";
        return new IllegalStateException(head + " (a view of shape " + view.shape() + " of a base of shape " + base.shape()
                + "). This view is the output of a function that returns multiple views. Such functions do not allow the "
                + "output views to be modified inplace. You should replace the inplace operation by an out-of-place one "
                + "(or clone() the view first).");
    }
}
