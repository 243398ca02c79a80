package io.wsgi4j.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Python interpreter a process group runs.
 *
 * @param executable the interpreter as given ({@code --python}); a name is looked up on PATH
 * @param home       a virtual environment or Python installation prefix ({@code python-home})
 * @param paths      directories added to {@code sys.path} ({@code python-path}), in order
 */
public record PythonConfig(String executable, Optional<Path> home, List<Path> paths) {

    public PythonConfig {
        paths = List.copyOf(paths);
    }
}
