package io.migplan.agent.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads single sysfs values. Real sysfs ends values with a newline, mdevctl's fake trees do not:
 * both read the same. Decides nothing about what a value means.
 */
public final class SysfsValues {
  private SysfsValues() {}

  /** The trimmed value, or empty when the file does not exist. */
  public static Optional<String> readOptional(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(read(file));
  }

  public static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
  }

  /** The first line (trimmed) of a file, or empty when the file does not exist. */
  public static Optional<String> firstLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    return Optional.of((newline < 0 ? text : text.substring(0, newline)).strip());
  }

  /** The basename of a symlink's target, or empty when there is no such link. */
  public static Optional<String> linkBasename(Path link) throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    Path target = Files.readSymbolicLink(link);
    Path name = target.getFileName();
    return name == null ? Optional.empty() : Optional.of(name.toString());
  }

  public static boolean isDirectory(Path path) {
    return Files.isDirectory(path);
  }

  public static boolean isRegularFile(Path path) {
    return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(path);
  }
}
