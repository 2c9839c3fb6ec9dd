package io.migplan.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds and inspects fake host trees for tests, after mdevctl's test helpers: values are written
 * without a trailing newline, as mdevctl's fake sysfs does, and links are real symlinks.
 */
public final class TestTrees {
  private TestTrees() {}

  /** The module's fixture directory, read in place (see fixtures/README.md). */
  public static Path fixture(String relative) {
    return Path.of("src/test/fixtures").resolve(relative).toAbsolutePath();
  }

  /**
   * mdevctl's populate_parent_device: a plain directory under sys/class/mdev_bus, name always
   * written, description only when given, no newlines.
   */
  public static Path populateParentDevice(
      Path root, String parent, String type, int instances, String deviceApi, String name, String description) {
    Path typeDir = root.resolve("sys/class/mdev_bus").resolve(parent).resolve("mdev_supported_types").resolve(type);
    write(typeDir.resolve("available_instances"), Integer.toString(instances));
    write(typeDir.resolve("device_api"), deviceApi);
    write(typeDir.resolve("name"), name);
    if (description != null) {
      write(typeDir.resolve("description"), description);
    }
    return typeDir;
  }

  /** mdevctl's populate_active_device: device dir under the parent, bus link, mdev_type link. */
  public static void populateActiveDevice(Path root, String uuid, String parent, String type) {
    populateParentDevice(root, parent, type, 1, "", "", null);
    try {
      Path device = root.resolve("sys/class/mdev_bus").resolve(parent).resolve(uuid);
      Files.createDirectories(device);
      Path bus = root.resolve("sys/bus/mdev/devices");
      Files.createDirectories(bus);
      Files.createSymbolicLink(bus.resolve(uuid), device);
      Files.createSymbolicLink(
          bus.resolve(uuid).resolve("mdev_type"),
          root.resolve("sys/class/mdev_bus").resolve(parent).resolve("mdev_supported_types").resolve(type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a tree keeping symlinks as symlinks (like {@code cp -a}). */
  public static void copyTree(Path from, Path to) {
    try {
      Files.walkFileTree(
          from,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
              Files.createDirectories(to.resolve(from.relativize(dir).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Path target = to.resolve(from.relativize(file).toString());
              if (attrs.isSymbolicLink()) {
                Files.createSymbolicLink(target, Files.readSymbolicLink(file));
              } else {
                Files.copy(file, target);
                target.toFile().setWritable(true, true);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every entry of a tree: files by content (base64), links by target, dirs by name. */
  public static Map<String, String> contents(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        String key = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(key, "link:" + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(key, "dir");
        } else {
          out.put(key, "file:" + Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
