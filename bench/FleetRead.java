import io.migplan.fleet.FleetReader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a fleet file with {@link FleetReader} alone (bounds, format, every host's inventory into
 * its HostSnapshot, the verdicts; no reader's own checks) several times in one JVM and prints the
 * wall time of each reading: the first is the cold one a {@code plan --fleet} process pays.
 * Usage: java -cp FLEET_FORMAT_CLASSPATH bench/FleetRead.java FILE READINGS
 */
public class FleetRead {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int readings = Integer.parseInt(args[1]);
    FleetReader reader = new FleetReader("this benchmark", "use a newer one");
    long[] millis = new long[readings];
    int hosts = 0;
    for (int i = 0; i < readings; i++) {
      long start = System.nanoTime();
      hosts = reader.read(file, (host, at, who) -> host, (takenAt, read) -> read.size());
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    System.out.println("hosts " + hosts + " read_ms " + Arrays.toString(millis).replaceAll("[\\[\\],]", ""));
  }
}
