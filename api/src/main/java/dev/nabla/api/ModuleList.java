package dev.nabla.api;

import java.util.Iterator;
import java.util.List;

/** A list of registered submodules, as {@code nn.ModuleList}; it has no forward of its own. */
public class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> items = new java.util.ArrayList<>();

    public ModuleList(Module... modules) {
        for (Module m : modules) add(m);
    }

    public ModuleList add(Module m) {
        items.add(module(Integer.toString(items.size()), m));
        return this;
    }

    public Module get(int i) {
        int n = items.size();
        if (i < -n || i >= n) throw new IndexOutOfBoundsException("ModuleList: index " + i + " is out of range for " + n + " modules");
        return items.get(i < 0 ? i + n : i);
    }

    public int size() { return items.size(); }

    @Override public Iterator<Module> iterator() { return List.copyOf(items).iterator(); }

    /** A ModuleList only holds modules: call them from the owner's forward. */
    @Override public Tensor forward(Tensor x) {
        throw new IllegalStateException("ModuleList has no forward(); iterate over it in the owning module's forward");
    }
}
