package io.migplan.agent.inventory;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives a GPU board model from NVIDIA vGPU type names: "GRID T4-2Q" -> "T4", "NVIDIA A40-8Q"
 * -> "A40", "NVIDIA H200X-1-18C" -> "H200X" (name grammar from fixtures/FACTS.md section 2 and
 * nvidia/OBSERVED.md section A). Other vendors' names ("GVTg_V5_4", "Single port serial") carry
 * no board, so the result is empty for them. It does not guess a board from PCI ids.
 */
public final class BoardNames {
  // "GRID <board>-..." on older drivers, "NVIDIA <board>-..." on newer ones (OBSERVED.md A).
  private static final Pattern NVIDIA_NAME = Pattern.compile("^(?:GRID|NVIDIA)\\s+([A-Za-z0-9]+)-\\S+$");

  private BoardNames() {}

  public static Optional<String> fromTypeName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Matcher m = NVIDIA_NAME.matcher(name.strip());
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The board most type names agree on (ties broken alphabetically, so the answer is stable),
   * or "" when no name carries one.
   */
  public static String fromTypeNames(Collection<String> names) {
    TreeMap<String, Integer> votes = new TreeMap<>();
    for (String name : names) {
      fromTypeName(name).ifPresent(board -> votes.merge(board, 1, Integer::sum));
    }
    String best = "";
    int bestVotes = 0;
    for (var e : votes.entrySet()) {
      if (e.getValue() > bestVotes) {
        best = e.getKey();
        bestVotes = e.getValue();
      }
    }
    return best;
  }
}
