package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's option table and docs/CONFIGURATION.md name every option the command line accepts. */
class DocumentedOptionsTest {

    private static void assertDocuments(Path file) throws Exception {
        String text = Files.readString(file);
        for (OptionSpec spec : StartServerOptions.ALL) {
            if (spec.name().equals(StartServerOptions.HELP)) {
                continue;
            }
            // In a Markdown table a '|' is written '\|'.
            String synopsis = spec.synopsis();
            assertTrue(text.contains("`" + synopsis) || text.contains("`" + synopsis.replace("|", "\\|")),
                    file + " does not document " + synopsis);
        }
    }

    @Test
    void readmeListsEveryOption() throws Exception {
        assertDocuments(Path.of("README.md"));
    }

    @Test
    void configurationGuideListsEveryOption() throws Exception {
        assertDocuments(Path.of("docs/CONFIGURATION.md"));
    }
}
