package io.storedash.query.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code --name value} options of the generator's command-line tools ({@link ExportCsv}, {@link ExportXlsx}). */
final class CommandFlags {

  private CommandFlags() {
  }

  /**
   * The options of {@code args} by name (without the dashes).
   *
   * @throws IllegalArgumentException for an argument that is not {@code --name value}, or a name not in {@code allowed}
   */
  static Map<String, String> parse(String[] args, List<String> allowed) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    for (String name : flags.keySet()) {
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return flags;
  }
}
