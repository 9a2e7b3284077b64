package dev.nabla.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a {@link Module} class keeps no reference to the tensors its {@code forward} is given, makes or returns
 * once it has returned (the ops it records on the tape may save them; nothing else may: no field, list or cache). A {@link Sequential} whose
 * modules all declare it (and whose children do, recursively) gives the memory of its intermediate results back to
 * the pool as soon as nothing can reach them. Not inherited: a subclass declares it for itself. The framework's
 * layers declare it; a user's module may, when it holds true.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KeepsNoTensors {}
