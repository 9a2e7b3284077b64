package dev.nabla.api;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base class of every layer and model, as PyTorch's {@code nn.Module}: parameters, buffers and
 * submodules registered by name in insertion order, recursive train/eval modes, state dicts.
 *
 * <pre>{@code
 * final class Net extends Module {
 *     private final Linear fc1 = module("fc1", new Linear(784, 128));
 *     private final Linear fc2 = module("fc2", new Linear(128, 10));
 *     @Override public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
 * }
 * }</pre>
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private boolean fieldsChecked;

    /** The computation of this module. */
    public abstract Tensor forward(Tensor x);

    /** The multi-input form, for modules that take several tensors; one input goes to {@link #forward(Tensor)}. */
    public Tensor forward(Tensor... inputs) {
        if (inputs.length == 1) return forward(inputs[0]);
        throw new IllegalArgumentException(name() + ": forward takes one input, got " + inputs.length);
    }

    // ---------------------------------------------------------------- registration

    /** Registers a trained parameter under {@code name} and returns it (wrapping {@code init} if needed). */
    protected final Parameter param(String name, Tensor init) {
        checkName(name);
        Parameter p = init instanceof Parameter q ? q : new Parameter(init);
        params.put(name, p);
        return p;
    }

    /** Registers a non-trained state tensor (BatchNorm's running statistics); it is in the state dict. */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        if (value == null) throw new IllegalArgumentException(name() + ": buffer '" + name + "' must not be null");
        buffers.put(name, value);
        return value;
    }

    /** Registers a submodule under {@code name} and returns it. */
    protected final <M extends Module> M module(String name, M module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException(name() + ": submodule '" + name + "' must not be null");
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(name() + ": a name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(name() + ": '" + name + "' is already registered");
        }
    }

    /**
     * A Parameter or Module held in a field but never registered would silently not be trained or
     * saved: the first listing of parameters finds it and names the field.
     */
    private void checkFields() {
        if (fieldsChecked) return;
        Set<Object> registered = Collections.newSetFromMap(new IdentityHashMap<>());
        registered.addAll(params.values());
        registered.addAll(children.values());
        registered.addAll(buffers.values());
        for (Class<?> c = getClass(); c != Module.class && c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                boolean isParam = Parameter.class.isAssignableFrom(f.getType());
                boolean isModule = Module.class.isAssignableFrom(f.getType());
                if (!isParam && !isModule) continue;
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(this);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // a field we cannot read (strong encapsulation) is the module's own business
                }
                if (v != null && !registered.contains(v)) {
                    throw new IllegalStateException(name() + ": field '" + f.getName() + "' holds a " + (isParam ? "Parameter" : "Module")
                            + " that was never registered; create it with " + (isParam ? "param" : "module") + "(\"" + f.getName()
                            + "\", …) so that it is trained and saved");
                }
            }
        }
        fieldsChecked = true;
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its submodules, each once, in registration order. */
    public final List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Parameters by dotted name ({@code features.0.weight}); a shared parameter appears once. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectParameters("", out, seen);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out, Set<Parameter> seen) {
        checkFields();
        params.forEach((k, p) -> { if (seen.add(p)) out.put(prefix + k, p); });
        children.forEach((k, m) -> m.collectParameters(prefix + k + ".", out, seen));
    }

    /** Buffers by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.buffers.forEach((k, b) -> out.put(prefix + k, b)));
        return out;
    }

    /** The direct submodules, in registration order. */
    public final List<Module> children() { return new ArrayList<>(children.values()); }

    /** The direct submodules by name. */
    public final Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    /** This module and all its descendants, depth first. */
    public final List<Module> modules() {
        List<Module> out = new ArrayList<>();
        walk("", (p, m) -> out.add(m));
        return out;
    }

    /** This module and its descendants by dotted name ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        walk("", (p, m) -> out.put(p.isEmpty() ? "" : p.substring(0, p.length() - 1), m));
        return out;
    }

    private void walk(String prefix, java.util.function.BiConsumer<String, Module> visit) {
        visit.accept(prefix, this);
        children.forEach((k, m) -> m.walk(prefix + k + ".", visit));
    }

    // ---------------------------------------------------------------- modes and utilities

    /** Training mode for this module and every descendant; returns this. */
    public Module train() { return train(true); }

    public Module train(boolean mode) {
        for (Module m : modules()) m.training = mode;
        return this;
    }

    /** Evaluation mode (BatchNorm uses its running statistics, Dropout passes through); returns this. */
    public Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /** Zeroes every parameter's gradient in place (PyTorch 1.13's {@code zero_grad()}). */
    public void zeroGrad() { zeroGrad(false); }

    /** Zeroes the gradients, or with {@code setToNone} drops them. */
    public void zeroGrad(boolean setToNone) {
        for (Parameter p : parameters()) {
            if (!p.hasGrad()) continue;
            if (setToNone) p.setGrad(null); else p.zeroGradLazily();
        }
    }

    /** Casts every floating-point parameter and buffer to {@code dtype} in place; returns this. */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException(name() + ".to: expected a floating-point dtype, got " + dtype);
        for (Parameter p : parameters()) {
            if (p.dtype() != dtype) {
                p.setData(p.nd().castTo(dtype.nd()));
                p.setGrad(null);
            }
        }
        for (Tensor b : namedBuffers().values()) if (b.dtype().isFloatingPoint() && b.dtype() != dtype) b.setData(b.nd().castTo(dtype.nd()));
        return this;
    }

    /** This module on {@code device}; ND4J has one backend per JVM, so this checks and returns this. */
    public Module to(Device device) {
        for (Parameter p : parameters()) p.to(device);
        return this;
    }

    /** Calls {@code fn} on every descendant, then on this module (as PyTorch), e.g. for custom init; returns this. */
    public Module apply(Consumer<Module> fn) {
        for (Module m : children.values()) m.apply(fn);
        fn.accept(this);
        return this;
    }

    /** The number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    // ---------------------------------------------------------------- state dict

    /** Parameters and buffers by dotted name, as PyTorch's {@code state_dict()} (detached, sharing storage). */
    public final Map<String, Tensor> stateDict() {
        checkFields();
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> {
            m.params.forEach((k, p) -> out.putIfAbsent(prefix + k, p.detach()));
            m.buffers.forEach((k, b) -> out.putIfAbsent(prefix + k, b.detach()));
        });
        return out;
    }

    /** What a non-strict load left out. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /**
     * Copies values into this module's parameters and buffers. Strict: every missing, unexpected
     * and size-mismatched key is collected and reported in one error. Non-strict: mismatched sizes
     * are still an error; missing and unexpected keys are returned.
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            if (mine == null) unexpected.add(e.getKey());
            else if (!mine.shape().equals(e.getValue().shape())) {
                mismatched.add("size mismatch for " + e.getKey() + ": copying a param with shape " + e.getValue().shape()
                        + " from checkpoint, the shape in current model is " + mine.shape() + ".");
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder b = new StringBuilder("Error(s) in loading state_dict for " + name() + ":");
            if (strict && !missing.isEmpty()) b.append("\n\tMissing key(s) in state_dict: ").append(quoted(missing)).append(".");
            if (strict && !unexpected.isEmpty()) b.append("\n\tUnexpected key(s) in state_dict: ").append(quoted(unexpected)).append(".");
            for (String m : mismatched) b.append("\n\t").append(m);
            throw new IllegalArgumentException(b.toString());
        }
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) e.getValue().copy_(src);
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    private static String quoted(List<String> keys) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) b.append(i == 0 ? "" : ", ").append('"').append(keys.get(i)).append('"');
        return b.toString();
    }

    // ---------------------------------------------------------------- printing

    /** The class name shown in the module tree. */
    protected String name() { return getClass().getSimpleName(); }

    /** The layer's arguments as shown in its repr, e.g. {@code in_features=784, out_features=128, bias=True}. */
    protected String extraRepr() { return ""; }

    /** PyTorch's repr of the module tree. */
    public final String repr() {
        if (children.isEmpty()) return name() + "(" + extraRepr() + ")";
        StringBuilder b = new StringBuilder(name()).append("(");
        String extra = extraRepr();
        if (!extra.isEmpty()) b.append("\n  ").append(extra.replace("\n", "\n  "));
        children.forEach((k, m) -> b.append("\n  (").append(k).append("): ").append(m.repr().replace("\n", "\n  ")));
        return b.append("\n)").toString();
    }

    /** The module tree as PyTorch prints it, then a line with the parameter count. */
    @Override public String toString() {
        long trainable = 0;
        for (Parameter p : parameters()) if (p.requiresGrad()) trainable += p.numel();
        return repr() + String.format("%nParameters: %,d (trainable: %,d)", parameterCount(), trainable);
    }
}
