package dev.nabla.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the optimizers, as {@code torch.optim.Optimizer}: parameter groups with their own options,
 * per-parameter state keyed by the Parameter, {@code zeroGrad()}, {@code step()}, state dicts.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1);
 * opt.zeroGrad(); loss.backward(); opt.step();
 * }</pre>
 */
public abstract class Optimizer {
    /** Parameters that share options (learning rate, momentum, …), as PyTorch's param_groups entries. */
    public static final class ParamGroup {
        private final List<Parameter> params;
        private final Map<String, Object> options = new LinkedHashMap<>();

        private ParamGroup(List<Parameter> params) { this.params = List.copyOf(params); }

        /** A group of these parameters; options not set here come from the optimizer's defaults. */
        public static ParamGroup of(List<Parameter> params) { return new ParamGroup(params); }

        /** Sets an option for this group only (e.g. {@code "lr"}); returns this. */
        public ParamGroup with(String option, Object value) {
            options.put(option, value);
            return this;
        }

        public List<Parameter> params() { return params; }

        public double lr() { return number("lr"); }

        /** Changes the learning rate (what schedulers do). */
        public void setLr(double lr) {
            if (!(lr >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
            options.put("lr", lr);
        }

        public double number(String option) {
            Object v = options.get(option);
            if (!(v instanceof Number n)) throw new IllegalArgumentException("ParamGroup: option '" + option + "' is not a number: " + v);
            return n.doubleValue();
        }

        public boolean flag(String option) {
            Object v = options.get(option);
            if (!(v instanceof Boolean b)) throw new IllegalArgumentException("ParamGroup: option '" + option + "' is not a boolean: " + v);
            return b;
        }

        /** The options of this group, in the optimizer's order. */
        public Map<String, Object> options() { return Collections.unmodifiableMap(options); }
    }

    private final List<ParamGroup> groups;
    private final Map<Parameter, Map<String, Object>> state = new IdentityHashMap<>();

    /** Takes the groups, fills every option a group does not set from {@code defaults}, validates, and rejects an empty list. */
    protected Optimizer(List<ParamGroup> groups, Map<String, Object> defaults) {
        String name = getClass().getSimpleName();
        if (groups.isEmpty()) throw new IllegalArgumentException(name + ": optimizer got an empty parameter list");
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) {
            if (g.params.isEmpty()) throw new IllegalArgumentException(name + ": optimizer got an empty parameter list");
            for (Parameter p : g.params) {
                if (!seen.add(p)) throw new IllegalArgumentException(name + ": some parameters appear in more than one parameter group");
            }
            for (String k : g.options.keySet()) {
                if (!defaults.containsKey(k)) {
                    throw new IllegalArgumentException(name + ": unknown option '" + k + "'; the options are " + defaults.keySet());
                }
            }
            Map<String, Object> full = new LinkedHashMap<>(defaults);
            full.putAll(g.options);
            g.options.clear();
            g.options.putAll(full);
            validate(g);
        }
        this.groups = List.copyOf(groups);
    }

    /** One group with these parameters. */
    protected static List<ParamGroup> single(List<Parameter> params) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("Optimizer: optimizer got an empty parameter list");
        return List.of(ParamGroup.of(params));
    }

    /** Checks a group's options, with errors naming the value as PyTorch's ("Invalid learning rate: -0.1"). */
    protected abstract void validate(ParamGroup group);

    /** Updates every parameter that has a gradient. */
    public abstract void step();

    public final List<ParamGroup> paramGroups() { return groups; }

    /** Zeroes every gradient in place (PyTorch 1.13's default). */
    public void zeroGrad() { zeroGrad(false); }

    public void zeroGrad(boolean setToNone) {
        for (ParamGroup g : groups) {
            for (Parameter p : g.params) {
                if (!p.hasGrad()) continue;
                if (setToNone) p.setGrad(null);
                else p.zeroGradLazily();
            }
        }
    }

    /** The state of one parameter (created empty on first use). */
    protected final Map<String, Object> state(Parameter p) { return state.computeIfAbsent(p, k -> new LinkedHashMap<>()); }

    /** An array state entry, created by {@code init} the first time. */
    protected final INDArray buffer(Parameter p, String key, java.util.function.Supplier<INDArray> init) {
        return (INDArray) state(p).computeIfAbsent(key, k -> init.get());
    }

    /**
     * As PyTorch's {@code state_dict()}: {@code "state"} maps each parameter's index (in group order) to
     * its state (arrays as Tensors, numbers as they are), {@code "param_groups"} lists each group's options
     * with {@code "params"}, the indices of its parameters.
     */
    public Map<String, Object> stateDict() {
        Map<Integer, Map<String, Object>> st = new LinkedHashMap<>();
        List<Map<String, Object>> pg = new ArrayList<>();
        int index = 0;
        for (ParamGroup g : groups) {
            List<Integer> ids = new ArrayList<>();
            for (Parameter p : g.params) {
                Map<String, Object> s = state.get(p);
                if (s != null) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    s.forEach((k, v) -> copy.put(k, v instanceof INDArray a ? Tensor.from(a.dup()) : v));
                    st.put(index, copy);
                }
                ids.add(index++);
            }
            Map<String, Object> o = new LinkedHashMap<>(g.options);
            o.put("params", ids);
            pg.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", st);
        out.put("param_groups", pg);
        return out;
    }

    /** Restores what {@link #stateDict()} gave, for an optimizer over the same parameter layout. */
    @SuppressWarnings("unchecked")
    public void loadStateDict(Map<String, Object> dict) {
        String name = getClass().getSimpleName();
        List<Map<String, Object>> pg = (List<Map<String, Object>>) dict.get("param_groups");
        Map<Integer, Map<String, Object>> st = (Map<Integer, Map<String, Object>>) dict.get("state");
        if (pg == null || st == null) throw new IllegalArgumentException(name + ".loadStateDict: expected keys 'state' and 'param_groups'");
        if (pg.size() != groups.size()) {
            throw new IllegalArgumentException(name + ".loadStateDict: loaded state dict has " + pg.size()
                    + " parameter groups, this optimizer has " + groups.size());
        }
        List<Parameter> all = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            List<?> ids = (List<?>) pg.get(i).get("params");
            if (ids == null || ids.size() != groups.get(i).params.size()) {
                throw new IllegalArgumentException(name + ".loadStateDict: loaded state dict contains a parameter group that doesn't "
                        + "match the size of optimizer's group " + i);
            }
            all.addAll(groups.get(i).params);
        }
        for (int i = 0; i < groups.size(); i++) {
            Map<String, Object> o = new LinkedHashMap<>(pg.get(i));
            o.remove("params");
            groups.get(i).options.putAll(o);
        }
        state.clear();
        for (Map.Entry<Integer, Map<String, Object>> e : st.entrySet()) {
            Parameter p = all.get(e.getKey());
            Map<String, Object> s = new LinkedHashMap<>();
            e.getValue().forEach((k, v) -> s.put(k, v instanceof Tensor t ? t.nd().dup().castTo(p.nd().dataType()) : v));
            state.put(p, s);
        }
    }
}
