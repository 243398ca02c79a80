package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How start-server's command line is split into options and the script. */
class ArgumentParserTest {
    private static ParsedArguments parse(String... args) throws UsageException {
        return new ArgumentParser(StartServerOptions.ALL).parse(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void optionWithSeparateValueAndWithEquals() throws Exception {
        ParsedArguments parsed = parse("--port", "8080", "--threads=7", "app.wsgi");
        assertEquals("8080", parsed.value("--port").orElseThrow());
        assertEquals("7", parsed.value("--threads").orElseThrow());
        assertEquals(List.of("app.wsgi"), parsed.positional());
    }

    @Test
    void equalsFormKeepsEverythingAfterTheFirstEquals() throws Exception {
        assertEquals("%h a=b", parse("--access-log-format=%h a=b", "x").value("--access-log-format").orElseThrow());
        assertEquals("", parse("--host=", "x").value("--host").orElseThrow());
    }

    @Test
    void optionsMayFollowTheScript() throws Exception {
        ParsedArguments parsed = parse("app.wsgi", "--port", "9000", "--log-to-terminal");
        assertEquals(List.of("app.wsgi"), parsed.positional());
        assertEquals("9000", parsed.value("--port").orElseThrow());
        assertTrue(parsed.has("--log-to-terminal"));
    }

    @Test
    void repeatableOptionsKeepEveryOccurrenceInOrder() throws Exception {
        ParsedArguments parsed = parse("--url-alias", "/static", "s", "--python-path", "a", "app.wsgi",
                "--url-alias", "/media", "m", "--python-path=b", "--setenv", "K", "v 1", "--setenv", "L", "");
        assertEquals(List.of(List.of("/static", "s"), List.of("/media", "m")), parsed.all("--url-alias"));
        assertEquals(List.of(List.of("a"), List.of("b")), parsed.all("--python-path"));
        assertEquals(List.of(List.of("K", "v 1"), List.of("L", "")), parsed.all("--setenv"));
    }

    @Test
    void afterDoubleDashEverythingIsPositional() throws Exception {
        ParsedArguments parsed = parse("--port", "1", "--", "--weird-name.wsgi");
        assertEquals(List.of("--weird-name.wsgi"), parsed.positional());
    }

    @Test
    void aValueMayStartWithADashWhenItIsNotAnOption() throws Exception {
        assertEquals("-%h", parse("--access-log-format", "-%h", "x").value("--access-log-format").orElseThrow());
    }

    @Test
    void flagsTakeNoValue() throws Exception {
        ParsedArguments parsed = parse("--access-log", "app.wsgi");
        assertTrue(parsed.has("--access-log"));
        assertEquals(List.of("app.wsgi"), parsed.positional());
        assertFalse(parsed.has("--log-to-terminal"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "--bogus app.wsgi                 | unknown option '--bogus'",
            "app.wsgi --bogus=1               | unknown option '--bogus'",
            "-x app.wsgi                      | unknown option '-x'",
            "app.wsgi --port                  | option --port needs a value: --port NUMBER",
            "app.wsgi --port --threads 5      | option --port needs a value: --port NUMBER",
            "app.wsgi --url-alias /a          | option --url-alias needs 2 values: --url-alias URL-PATH FILE-PATH",
            "app.wsgi --url-alias=/a          | option --url-alias takes 2 values: --url-alias URL-PATH FILE-PATH",
            "app.wsgi --access-log=yes        | option --access-log takes no value",
            "app.wsgi --port 1 --port 2       | option --port was given more than once",
    })
    void wrongOptionsGiveOneMessageNamingTheOption(String commandLine, String message) {
        assertEquals(message, error(commandLine.trim().split(" +")));
    }
}
