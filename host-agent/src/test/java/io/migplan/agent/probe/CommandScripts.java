package io.migplan.agent.probe;

import io.migplan.agent.TestTrees;
import java.nio.file.Path;

/** Real executables for CommandProbe tests: bash scripts written to a test's directory. */
final class CommandScripts {
  /** Reads each request line and lets {@code $id} name its question for the answer printed by {@code answer}. */
  static final String EACH_QUESTION = """
      while IFS= read -r line; do
        id=${line#*\\"id\\":\\"}; id=${id%%%%\\"*}
        %s
      done
      """;

  private CommandScripts() {}

  static Path write(Path dir, String name, String body) {
    Path file = dir.resolve(name);
    TestTrees.write(file, "#!/bin/bash\n" + body);
    if (!file.toFile().setExecutable(true, true)) {
      throw new IllegalStateException("cannot make " + file + " executable");
    }
    return file;
  }

  /** A script answering every question with one printf line using {@code $id}. */
  static Path answering(Path dir, String name, String printf) {
    return write(dir, name, EACH_QUESTION.formatted(printf));
  }
}
