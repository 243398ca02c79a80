package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** --help is generated from the option table: every option, its arguments and its default. */
class HelpTest {
    @Test
    void everyOptionIsListedWithItsDefault() {
        String help = String.join("\n", Help.options());
        // Wrapped lines are joined back so a default split across lines is still found.
        String flat = help.replaceAll("\n +", " ");
        for (OptionSpec spec : StartServerOptions.ALL) {
            assertTrue(help.contains("\n  " + spec.synopsis() + " ") || help.contains("\n  " + spec.synopsis() + "\n"),
                    spec.synopsis() + " missing from:\n" + help);
            if (!spec.defaultText().isEmpty()) {
                assertTrue(flat.contains("Default: " + spec.defaultText() + "."), spec.name() + "'s default missing");
            }
        }
    }

    @Test
    void linesFitAHundredColumns() {
        List<String> lines = Help.options();
        for (String line : lines) {
            assertTrue(line.length() <= 100, "too long: " + line);
        }
    }
}
