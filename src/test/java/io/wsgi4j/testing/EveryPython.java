package io.wsgi4j.testing;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Base of the integration tests that run once per CPython 3.8-3.13 ({@link Pythons#all()}), in daemon mode. */
@ParameterizedClass(name = "{0}")
@MethodSource("io.wsgi4j.testing.Pythons#all")
public abstract class EveryPython extends PythonRuns {
}
