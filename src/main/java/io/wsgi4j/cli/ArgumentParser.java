package io.wsgi4j.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Splits a command line into options (known ones only) and positional arguments. */
public final class ArgumentParser {
    private final Map<String, OptionSpec> specs;

    public ArgumentParser(List<OptionSpec> specs) {
        this.specs = specs.stream().collect(Collectors.toMap(OptionSpec::name, Function.identity()));
    }

    /** Parses {@code --name value}, {@code --name=value} and repeated options; options may follow positionals. */
    public ParsedArguments parse(List<String> args) throws UsageException {
        ParsedArguments parsed = new ParsedArguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                args.subList(i + 1, args.size()).forEach(parsed::addPositional);
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                if (arg.startsWith("-") && arg.length() > 1) {
                    throw new UsageException("unknown option '" + arg + "'");
                }
                parsed.addPositional(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            OptionSpec spec = specs.get(name);
            if (spec == null) {
                throw new UsageException("unknown option '" + name + "'");
            }
            if (!spec.repeatable() && parsed.has(name)) {
                throw new UsageException("option " + name + " was given more than once");
            }
            List<String> values;
            if (eq >= 0) {
                if (spec.arity() != 1) {
                    throw new UsageException("option " + name + " takes "
                            + (spec.arity() == 0 ? "no value" : spec.arity() + " values: " + spec.synopsis()));
                }
                values = List.of(arg.substring(eq + 1));
            } else {
                if (spec.arity() > args.size() - i - 1) {
                    throw missingValue(spec);
                }
                values = List.copyOf(args.subList(i + 1, i + 1 + spec.arity()));
                // "--port --threads 5" forgot the port: the next option is not a value.
                for (String value : values) {
                    if (isOption(value)) {
                        throw missingValue(spec);
                    }
                }
                i += spec.arity();
            }
            parsed.add(name, values);
        }
        return parsed;
    }

    private boolean isOption(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && specs.containsKey(eq < 0 ? arg : arg.substring(0, eq));
    }

    private static UsageException missingValue(OptionSpec spec) {
        return new UsageException("option " + spec.name() + " needs " + (spec.arity() == 1 ? "a value" : spec.arity() + " values")
                + ": " + spec.synopsis());
    }
}
