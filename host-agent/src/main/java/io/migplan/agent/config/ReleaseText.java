package io.migplan.agent.config;

/**
 * What the agent accepts as a release, wherever it comes from ({@code release}, the first line of
 * {@code releaseFile}, the first line a {@code releaseCommand} prints): the scheduler's bounds on
 * {@code snapshot.host.release} (at most {@link #MAX_LENGTH} characters, no control character), so
 * a report is never refused for it, and at least one letter or digit, since the scheduler orders
 * releases by their runs of digits and letters ({@code Releases}) and a value without any would
 * sort as no release at all.
 */
public final class ReleaseText {
  /** The scheduler's bound on a release (its Texts.MAX_NAME, applied by SnapshotValidator). */
  public static final int MAX_LENGTH = 256;

  private ReleaseText() {}

  /** What is wrong with {@code value} as a release, as a phrase ("is empty"), or null when it may be used. */
  public static String problem(String value) {
    if (value == null || value.isBlank()) {
      return "is empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "is " + value.length() + " characters long, at most " + MAX_LENGTH;
    }
    boolean letterOrDigit = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "contains a control character (" + String.format("U+%04X", (int) c) + ") at " + i;
      }
      letterOrDigit |= Character.isLetterOrDigit(c);
    }
    return letterOrDigit ? null : "has no letter or digit, so it cannot be ordered against other releases";
  }

  /** The first line of {@code text} that is not blank, stripped; "" when there is none. */
  public static String firstLine(String text) {
    for (String line : text.split("\n", -1)) {
      String s = line.strip();
      if (!s.isEmpty()) {
        return s;
      }
    }
    return "";
  }
}
