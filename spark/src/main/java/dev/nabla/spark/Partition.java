package dev.nabla.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One rank's samples: its part of the training data and of the validation data, in partition order. */
record Partition<T>(List<T> train, List<T> validation) {
    static <T> Partition<T> of(Iterator<T> train, Iterator<T> validation) {
        List<T> t = new ArrayList<>(), v = new ArrayList<>();
        train.forEachRemaining(t::add);
        validation.forEachRemaining(v::add);
        return new Partition<>(t, v);
    }
}
