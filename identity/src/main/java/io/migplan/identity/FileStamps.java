package io.migplan.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a look at some files saw: each file's modification time and size, in the order given. Two
 * looks that are equal mean the files did not change in between, so certificate files are re-read
 * (and servers told) only when one did: a TLS reload is not free, and a server that swaps its TLS
 * context can drop a handshake that arrives meanwhile. Symbolic links are followed, so a
 * Kubernetes secret volume (which swaps a link to a new directory) counts as changed. A file that
 * cannot be read counts as its own state, so it going missing and coming back are changes too.
 */
public final class FileStamps {

  private final List<String> stamps;

  private FileStamps(List<String> stamps) {
    this.stamps = stamps;
  }

  /** Looks at the files now. */
  public static FileStamps of(List<Path> files) {
    List<String> out = new ArrayList<>(files.size());
    for (Path p : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(p + "@" + a.lastModifiedTime() + "/" + a.size() + " bytes");
      } catch (IOException e) {
        out.add(p + "@unreadable");
      }
    }
    return new FileStamps(List.copyOf(out));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileStamps f && f.stamps.equals(stamps);
  }

  @Override
  public int hashCode() {
    return stamps.hashCode();
  }

  @Override
  public String toString() {
    return String.join(", ", stamps);
  }
}
