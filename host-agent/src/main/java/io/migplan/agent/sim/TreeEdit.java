package io.migplan.agent.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A set of changes to one host tree that either all happen or, when one fails, are undone in
 * reverse order, so the tree is left as it was. Each step records what it replaced (old file
 * content, old link target) before it acts.
 *
 * <p>It is not isolation: an agent scanning the tree meanwhile may see a half-made change, as it
 * may on a real host while the driver creates a device; the simulator re-reports afterwards.
 */
final class TreeEdit {
  private final Deque<Undo> undo = new ArrayDeque<>();
  /** Tests make the n-th step fail to prove the rollback; -1 = never. */
  private final int failAtStep;
  private int steps;

  @FunctionalInterface
  private interface Undo {
    void run() throws IOException;
  }

  TreeEdit() {
    this(-1);
  }

  TreeEdit(int failAtStep) {
    this.failAtStep = failAtStep;
  }

  private void step(Path path) throws IOException {
    if (steps++ == failAtStep) {
      throw new IOException("injected failure at step " + (steps - 1) + " (" + path + ")");
    }
  }

  /** Writes a value as the kernel does (with a trailing newline); remembers the old content. */
  void write(Path file, String value) throws IOException {
    step(file);
    String text = value.endsWith("\n") ? value : value + "\n";
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] old = Files.readAllBytes(file);
      Files.writeString(file, text);
      undo.push(() -> Files.write(file, old));
    } else {
      Files.writeString(file, text);
      undo.push(() -> Files.deleteIfExists(file));
    }
  }

  void createDirectory(Path dir) throws IOException {
    step(dir);
    Files.createDirectory(dir);
    undo.push(() -> Files.deleteIfExists(dir));
  }

  void createFile(Path file) throws IOException {
    step(file);
    Files.createFile(file);
    undo.push(() -> Files.deleteIfExists(file));
  }

  void symlink(Path link, Path target) throws IOException {
    step(link);
    Files.createSymbolicLink(link, target);
    undo.push(() -> Files.deleteIfExists(link));
  }

  /** Deletes a file, a symlink (not what it points to) or an empty directory. */
  void delete(Path path) throws IOException {
    step(path);
    if (Files.isSymbolicLink(path)) {
      Path target = Files.readSymbolicLink(path);
      Files.delete(path);
      undo.push(() -> Files.createSymbolicLink(path, target));
    } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(path);
      undo.push(() -> Files.createDirectory(path));
    } else {
      byte[] old = Files.readAllBytes(path);
      Files.delete(path);
      undo.push(() -> Files.write(path, old));
    }
  }

  /** Undoes every step done so far, newest first; an undo that fails is reported, the rest still run. */
  void rollback() throws IOException {
    IOException first = null;
    while (!undo.isEmpty()) {
      try {
        undo.pop().run();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
