package io.wsgi4j.testing;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base of the integration tests of the gateway contract (PEP 3333 as the application sees it),
 * which must hold in both modes: once per CPython 3.8-3.13 in daemon mode and once in embedded
 * mode ({@link Pythons#allInBothModes()}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.wsgi4j.testing.Pythons#allInBothModes")
public abstract class EveryPythonEveryMode extends PythonRuns {
}
