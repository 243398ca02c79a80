package io.wsgi4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The options and positional arguments found on a command line, not yet interpreted. */
public final class ParsedArguments {
    private final Map<String, List<List<String>>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    void add(String option, List<String> values) {
        options.computeIfAbsent(option, k -> new ArrayList<>()).add(List.copyOf(values));
    }

    void addPositional(String argument) {
        positional.add(argument);
    }

    /** The arguments that are not options, in order. */
    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** Whether the option was given at all. */
    public boolean has(String option) {
        return options.containsKey(option);
    }

    /** The value of a one-argument option, the last one given. */
    public Optional<String> value(String option) {
        List<List<String>> all = options.get(option);
        return all == null ? Optional.empty() : Optional.of(all.getLast().getFirst());
    }

    /** Every occurrence of an option, each with its arguments. */
    public List<List<String>> all(String option) {
        return List.copyOf(options.getOrDefault(option, List.of()));
    }
}
