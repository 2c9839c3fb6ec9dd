package io.migplan.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStampsTest {

  @TempDir Path dir;

  @Test
  void filesLeftAloneLookTheSame() throws IOException {
    List<Path> files = files("cert", "key");
    assertThat(FileStamps.of(files)).isEqualTo(FileStamps.of(files));
  }

  @Test
  void aRewrittenFileIsAChangeEvenAtTheSameSize() throws IOException {
    List<Path> files = files("cert", "key");
    FileStamps before = FileStamps.of(files);
    Files.writeString(files.get(1), "KEY");
    Files.setLastModifiedTime(files.get(1), FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(FileStamps.of(files)).isNotEqualTo(before);
  }

  @Test
  void aFileOfAnotherSizeWithTheSameTimeIsAChange() throws IOException {
    List<Path> files = files("cert");
    FileTime time = Files.getLastModifiedTime(files.get(0));
    FileStamps before = FileStamps.of(files);
    Files.writeString(files.get(0), "a longer certificate");
    Files.setLastModifiedTime(files.get(0), time);
    assertThat(FileStamps.of(files)).isNotEqualTo(before);
  }

  @Test
  void aFileGoingMissingAndComingBackAreChanges() throws IOException {
    List<Path> files = files("ca");
    FileStamps present = FileStamps.of(files);
    Files.delete(files.get(0));
    FileStamps missing = FileStamps.of(files);
    assertThat(missing).isNotEqualTo(present).hasToString(files.get(0) + "@unreadable");
    Files.writeString(files.get(0), "other");
    assertThat(FileStamps.of(files)).isNotEqualTo(missing);
  }

  @Test
  void aLinkSwappedToAnotherFileIsAChange() throws IOException {
    Path first = Files.writeString(dir.resolve("first.pem"), "one");
    Path second = Files.writeString(dir.resolve("second.pem"), "second");
    Path link = Files.createSymbolicLink(dir.resolve("cert.pem"), first);
    FileStamps before = FileStamps.of(List.of(link));
    Files.delete(link);
    Files.createSymbolicLink(link, second);
    assertThat(FileStamps.of(List.of(link))).isNotEqualTo(before);
  }

  private List<Path> files(String... names) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String n : names) {
      out.add(Files.writeString(dir.resolve(n + ".pem"), n.toUpperCase()));
    }
    return out;
  }
}
