package io.migplan.agent.inventory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads single sysfs values. Real sysfs ends values with a newline, mdevctl's fake trees do not:
 * both read the same. Decides nothing about what a value means.
 */
public final class SysfsValues {
  /**
   * The largest value a sysfs attribute can hold: a show() callback fills one page
   * (Documentation/filesystems/sysfs.rst), and 64 KiB is the largest page size Linux uses
   * (arm64, ppc64). Anything longer did not come from the kernel.
   */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  // One buffer per scanning thread: scans read hundreds of tiny files and should not allocate a
  // page-sized array for each.
  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_VALUE_BYTES + 1));
  private static final ThreadLocal<byte[]> BYTES = ThreadLocal.withInitial(() -> new byte[MAX_VALUE_BYTES + 1]);

  private SysfsValues() {}

  /** A value that exists but is not text a kernel attribute could hold. */
  public static final class UnreadableValueException extends IOException {
    public UnreadableValueException(String message) {
      super(message);
    }
  }

  /**
   * The file's text exactly as read (not trimmed), with one read for the usual small value.
   * Fails with {@link UnreadableValueException} when the content is binary (control bytes,
   * invalid UTF-8) or longer than {@link #MAX_VALUE_BYTES}, and with the usual IOExceptions
   * (no such file, a directory, a looping link) otherwise.
   */
  public static String readText(Path file) throws IOException {
    ByteBuffer buffer = BUFFER.get();
    buffer.clear();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading: a value may arrive in several chunks
      }
    }
    int length = buffer.position();
    if (length > MAX_VALUE_BYTES) {
      throw new UnreadableValueException(
          "longer than " + MAX_VALUE_BYTES + " bytes, more than a sysfs attribute can hold");
    }
    byte[] bytes = BYTES.get();
    buffer.flip();
    buffer.get(bytes, 0, length);
    boolean ascii = true;
    for (int i = 0; i < length; i++) {
      int b = bytes[i];
      if (b < 0) {
        ascii = false;
      } else if (b == 0x7f || (b < 0x20 && b != '\n' && b != '\t' && b != '\r')) {
        throw new UnreadableValueException("binary content (byte 0x" + Integer.toHexString(b) + " at offset " + i + ")");
      }
    }
    if (ascii) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableValueException("binary content (not UTF-8 text)");
    }
  }

  /**
   * Like {@link #readText} but empty when nothing is there. A link that points nowhere is not
   * "nothing": it fails, so a broken optional file is still noticed.
   */
  public static Optional<String> readTextIfPresent(Path file) throws IOException {
    try {
      return Optional.of(readText(file));
    } catch (NoSuchFileException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(file.toString(), null, "a link to a file that does not exist");
      }
      return Optional.empty();
    }
  }

  /**
   * The basename of a symlink's target without resolving it (one readlink), or empty when there
   * is no entry. An entry that is not a link fails.
   */
  public static Optional<String> readLinkName(Path link) throws IOException {
    Path target;
    try {
      target = Files.readSymbolicLink(link);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Path name = target.getFileName();
    return name == null ? Optional.empty() : Optional.of(name.toString());
  }

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
