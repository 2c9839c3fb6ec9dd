package io.migplan.agent.sim;

/**
 * What fleet to simulate: how many hosts, the seed every random choice comes from, and the
 * release all hosts start at.
 */
public record FleetSpec(int hosts, long seed, String release) {
  /** The release hosts start at unless told otherwise; any ordered string works. */
  public static final String DEFAULT_RELEASE = "2025.1";
  /** Host ids are host-01..host-99; the two-digit form keeps them sorted. */
  public static final int MAX_HOSTS = 99;

  public FleetSpec {
    if (hosts < 1 || hosts > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts must be between 1 and " + MAX_HOSTS + ", got " + hosts);
    }
    if (release == null || release.isBlank()) {
      throw new IllegalArgumentException("release must not be blank");
    }
  }

  public static FleetSpec of(int hosts, long seed) {
    return new FleetSpec(hosts, seed, DEFAULT_RELEASE);
  }

  public static String hostId(int index) {
    return String.format("host-%02d", index);
  }
}
