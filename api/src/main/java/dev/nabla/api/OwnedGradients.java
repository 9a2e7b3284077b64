package dev.nabla.api;

import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradient arrays one backward walk made and nobody else holds, so that it can free them as soon as they are
 * consumed instead of leaving them to the garbage collector. A gradient a view op passes on (a permute's, a reshape's,
 * the same array to both inputs of an add) is a new <em>handle</em> on the same memory: the memory is freed when its
 * last handle is consumed, never while one is still waiting in the walk. Only an array that is its own memory and has a
 * single handle is {@linkplain #exclusive exclusive}: the walk may add into it in place or hand it to a leaf as its
 * {@code .grad}. An array that escapes the walk (a leaf's {@code .grad}, a hook's argument) is {@linkplain #escape
 * forgotten}, with every other handle on its memory.
 */
final class OwnedGradients {
    /** One block of memory the walk made: its array, the handles on it, and whether it escaped. */
    private static final class Memory {
        final INDArray array;
        int handles;
        boolean escaped;

        Memory(INDArray array) { this.array = array; }
    }

    /** Each handle's memory and how many times the walk holds that handle (one array passed to two inputs: twice). */
    private static final class Handle {
        final Memory memory;
        int count;

        Handle(Memory memory) { this.memory = memory; }
    }

    private final Map<INDArray, Handle> handles = new IdentityHashMap<>();

    /** {@code a} is new memory of this walk's, held once. */
    void add(INDArray a) {
        Handle h = new Handle(new Memory(a));
        h.count = 1;
        h.memory.handles = 1;
        handles.put(a, h);
    }

    /**
     * {@code view} (sharing {@code from}'s memory) is passed on: one more handle on that memory, when the walk owns
     * {@code from}; returns whether it does.
     */
    boolean share(INDArray from, INDArray view) {
        Handle f = handles.get(from);
        if (f == null) return false;
        Handle h = handles.computeIfAbsent(view, v -> new Handle(f.memory));
        if (h.memory != f.memory) return false;   // cannot happen: the same array object is one memory's handle
        h.count++;
        f.memory.handles++;
        return true;
    }

    /** Whether {@code a} is an array the walk owns alone: its own memory, with no other handle on it. */
    boolean exclusive(INDArray a) {
        Handle h = handles.get(a);
        return h != null && h.memory.array == a && h.memory.handles == 1 && !h.memory.escaped;
    }

    /** {@code a} leaves the walk's hands: its memory is never freed by the walk (the collector does it). */
    void escape(INDArray a) {
        Handle h = handles.remove(a);
        if (h != null) h.memory.escaped = true;
    }

    /**
     * One handle {@code a} is consumed; returns the memory to free when it was the last handle (null otherwise, and for
     * arrays the walk does not own).
     */
    INDArray consume(INDArray a) {
        if (a == null) return null;
        Handle h = handles.get(a);
        if (h == null) return null;
        if (--h.count == 0) handles.remove(a);
        Memory m = h.memory;
        return --m.handles == 0 && !m.escaped ? m.array : null;
    }
}
