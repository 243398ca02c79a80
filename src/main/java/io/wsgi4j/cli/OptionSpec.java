package io.wsgi4j.cli;

/**
 * One command-line option: its name, what it takes, its default and its Apache / mod_wsgi name.
 *
 * @param name       the long name, with its leading dashes
 * @param metavars   the names of its arguments; none for a flag
 * @param repeatable whether it may be given more than once
 * @param defaultText the default as shown by --help, or "" when there is none
 * @param help       one sentence on what it does
 * @param apacheName the mod_wsgi-express option or Apache / mod_wsgi directive it corresponds to
 */
public record OptionSpec(String name, java.util.List<String> metavars, boolean repeatable,
                         String defaultText, String help, String apacheName) {

    public OptionSpec {
        metavars = java.util.List.copyOf(metavars);
    }

    /** How many arguments follow the option. */
    public int arity() {
        return metavars.size();
    }

    /** The option as written in a usage line: {@code --url-alias URL PATH}. */
    public String synopsis() {
        return metavars.isEmpty() ? name : name + " " + String.join(" ", metavars);
    }
}
