package io.wsgi4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embedded mode's requirement of a shared libpython, said in one line before anything starts. */
class PythonInterpreterTest {
    private static PythonInterpreter python(Optional<Path> library) {
        return new PythonInterpreter(Path.of("/opt/py/bin/python3.12"), "3.12.1", 3, 12, Path.of("/opt/py"), library,
                Optional.empty());
    }

    @Test
    void aPythonWithoutASharedLibraryIsRefusedWithTheWayOut() {
        ConfigException e = assertThrows(ConfigException.class, () -> python(Optional.empty()).requireSharedLibrary());
        assertTrue(e.getMessage().startsWith("option --embedded-mode: /opt/py/bin/python3.12 (Python 3.12.1) was built "
                + "without a shared libpython (sysconfig Py_ENABLE_SHARED is 0)"), e.getMessage());
        assertTrue(e.getMessage().contains("use daemon mode (leave out --embedded-mode)"), e.getMessage());
    }

    @Test
    void aMissingLibraryFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> python(Optional.of(Path.of("/nonexistent/libpython3.12.so"))).requireSharedLibrary());
        assertTrue(e.getMessage().contains("/nonexistent/libpython3.12.so, does not exist"), e.getMessage());
    }

    @Test
    void anExistingLibraryIsGiven(@TempDir Path dir) throws Exception {
        Path library = Files.createFile(dir.resolve("libpython3.12.so.1.0"));
        assertEquals(library, python(Optional.of(library)).requireSharedLibrary());
    }
}
