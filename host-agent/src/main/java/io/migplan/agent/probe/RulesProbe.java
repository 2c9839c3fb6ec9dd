package io.migplan.agent.probe;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Answers from the declarative vendor rules ({@link ProbeRules}, format and defaults in {@code
 * probe-rules.default.yaml}): the rule is the one naming the target parent's {@link Vendors
 * vendor} (its driver); it may
 * declare the type not migratable, or require the same type, the same board and a driver version
 * within a window of the source's. The source's facts come from {@link SourceFacts}; when one the
 * rule needs is unknown the answer is UNKNOWN ({@code FACTS_UNKNOWN}), and a driver no rule names
 * is UNKNOWN ({@code NO_RULE}).
 *
 * <p>With no target parent given, every parent holding the type is tried: one that accepts is
 * enough; otherwise an UNKNOWN parent outweighs a refusing one (it might accept), and the first
 * refusal is reported.
 *
 * <p>It reads only the inventory; it does not look at free capacity (the scheduler does) and does
 * not ask the driver, so it can only be as right as the rules file.
 */
public final class RulesProbe implements ProbeBackend {
  private final ProbeRules rules;

  public RulesProbe(ProbeRules rules) {
    this.rules = rules;
  }

  public ProbeRules rules() {
    return rules;
  }

  @Override
  public ProbeAnswer answerOne(ProbeQuestion q, HostSnapshot inventory) {
    TargetTypes targets = TargetTypes.of(q, inventory);
    if (targets.isEmpty()) {
      return ProbeAnswers.incompatible(
          q, name(), ProbeCodes.NO_SUCH_TYPE, TargetTypes.where(q) + " does not exist on this host.");
    }
    SourceFacts source = SourceFacts.of(q);
    List<ProbeAnswer> refusals = new ArrayList<>();
    ProbeAnswer unknown = null;
    Set<String> decided = new HashSet<>();
    for (TargetTypes.Target t : targets.targets()) {
      ParentDevice p = t.parent();
      // A verdict depends on the parent only through vendor, board and driver version: a host's
      // identical GPUs get one evaluation, not one each.
      if (!decided.add(Vendors.of(p, q.getTargetTypeId()) + '\0' + p.getBoard() + '\0' + p.getDriverVersion())) {
        continue;
      }
      ProbeAnswer a = decide(q, source, p);
      if (a.getVerdict() == Verdict.VERDICT_COMPATIBLE) {
        return a;
      }
      if (a.getVerdict() == Verdict.VERDICT_UNKNOWN && unknown == null) {
        unknown = a;
      }
      refusals.add(a);
    }
    return unknown != null ? unknown : refusals.get(0);
  }

  private ProbeAnswer decide(ProbeQuestion q, SourceFacts src, ParentDevice parent) {
    String target = "type " + q.getTargetTypeId() + " on parent " + parent.getAddress();
    String driver = Vendors.of(parent, q.getTargetTypeId());
    Optional<ProbeRules.Rule> found = rules.forDriver(driver);
    if (found.isEmpty()) {
      return ProbeAnswers.unknown(
          q,
          name(),
          ProbeCodes.NO_RULE,
          driver.isEmpty()
              ? target + " has no known driver, so no rule of " + rules.source() + " applies."
              : "no rule of " + rules.source() + " governs driver " + driver + " of " + target
                  + "; add one or choose another backend for this vendor.");
    }
    ProbeRules.Rule rule = found.get();
    String byRule = "rule '" + rule.name() + "'";
    if (!rule.migratable()) {
      return ProbeAnswers.incompatible(
          q,
          name(),
          ProbeCodes.NOT_MIGRATABLE,
          target + " (driver " + driver + ") is not live-migratable under " + byRule
              + (rule.reason().isEmpty() ? "." : ": " + rule.reason()));
    }
    List<String> held = new ArrayList<>();
    if (rule.sameType()) {
      if (src.typeId().isEmpty()) {
        return factUnknown(q, "type", target, byRule);
      }
      if (!src.typeId().equals(q.getTargetTypeId())) {
        return ProbeAnswers.incompatible(
            q,
            name(),
            ProbeCodes.TYPE_MISMATCH,
            "source type " + src.typeId() + " differs from " + target + "; " + byRule
                + " moves state only between devices of the same type.");
      }
      held.add("same type");
    }
    if (rule.sameBoard()) {
      if (src.board().isEmpty()) {
        return factUnknown(q, "board", target, byRule);
      }
      if (parent.getBoard().isEmpty()) {
        return ProbeAnswers.unknown(
            q, name(), ProbeCodes.FACTS_UNKNOWN,
            target + ": the parent reports no board, and " + byRule
                + " needs it to compare with the source's board " + src.board() + ".");
      }
      if (!src.board().equals(parent.getBoard())) {
        return ProbeAnswers.incompatible(
            q,
            name(),
            ProbeCodes.BOARD_MISMATCH,
            target + " is on board " + parent.getBoard() + " but the source is on board "
                + src.board() + "; " + byRule + " requires the same board.");
      }
      held.add("board " + parent.getBoard());
    }
    if (rule.driverVersion() != null) {
      ProbeAnswer refused = checkVersion(q, src, parent, target, rule, byRule, held);
      if (refused != null) {
        return refused;
      }
    }
    return ProbeAnswers.compatible(
        q,
        name(),
        target + " accepts the source under " + byRule
            + (held.isEmpty() ? "." : ": " + String.join(", ", held) + "."));
  }

  /** Null when the versions pass; else the answer saying why not. */
  private ProbeAnswer checkVersion(
      ProbeQuestion q, SourceFacts src, ParentDevice parent, String target,
      ProbeRules.Rule rule, String byRule, List<String> held) {
    if (src.driverVersion().isEmpty()) {
      return factUnknown(q, "driver version", target, byRule);
    }
    Optional<DriverVersion> from = DriverVersion.parse(src.driverVersion());
    if (from.isEmpty()) {
      return ProbeAnswers.unknown(
          q, name(), ProbeCodes.FACTS_UNKNOWN,
          "the source's driver version '" + src.driverVersion() + "' is not a dotted version, and "
              + byRule + " compares versions for " + target + ".");
    }
    Optional<DriverVersion> to = DriverVersion.parse(parent.getDriverVersion());
    if (to.isEmpty()) {
      return ProbeAnswers.unknown(
          q, name(), ProbeCodes.FACTS_UNKNOWN,
          target + ": the parent reports "
              + (parent.getDriverVersion().isEmpty()
                  ? "no driver version"
                  : "driver version '" + parent.getDriverVersion() + "', not a dotted version")
              + ", and " + byRule + " compares versions (set driverVersion in the agent config).");
    }
    DriverVersion s = from.get();
    DriverVersion t = to.get();
    int cmp = t.compareTo(s);
    ProbeRules.VersionRule v = rule.driverVersion();
    String versions = "target driver " + t + " on parent " + parent.getAddress();
    if (cmp == 0) {
      held.add("driver " + t);
      return null;
    }
    if (cmp > 0) {
      String refusal = outsideReach(v.forward(), v.maxMinorAhead(), t, s, t.minor() - s.minor(), "newer", "ahead");
      if (refusal != null) {
        return ProbeAnswers.incompatible(
            q, name(), ProbeCodes.DRIVER_OUTSIDE_WINDOW,
            versions + " is newer than the source's " + s + " but " + refusal + " under " + byRule
                + " (type " + q.getTargetTypeId() + ").");
      }
      held.add("driver " + s + " -> " + t + " (forward, " + v.forward().key() + ")");
      return null;
    }
    if (v.backward() == ProbeRules.Reach.NONE) {
      return ProbeAnswers.incompatible(
          q, name(), ProbeCodes.DRIVER_BACKWARD,
          versions + " is older than the source's " + s + "; " + byRule
              + " allows no backward migration (type " + q.getTargetTypeId() + ").");
    }
    String refusal = outsideReach(v.backward(), v.maxMinorBehind(), t, s, s.minor() - t.minor(), "older", "behind");
    if (refusal != null) {
      return ProbeAnswers.incompatible(
          q, name(), ProbeCodes.DRIVER_OUTSIDE_WINDOW,
          versions + " is older than the source's " + s + " and " + refusal + " under " + byRule
              + " (type " + q.getTargetTypeId() + ").");
    }
    held.add("driver " + s + " -> " + t + " (backward, " + v.backward().key() + ")");
    return null;
  }

  /** Null when within reach; else the clause saying how far outside it is. */
  private static String outsideReach(
      ProbeRules.Reach reach, Integer maxMinor, DriverVersion t, DriverVersion s,
      long minorDistance, String direction, String side) {
    return switch (reach) {
      case NONE -> "only equal versions are allowed in that direction";
      case ANY -> null;
      case SAME_MAJOR -> {
        if (t.major() != s.major()) {
          yield "it is in branch " + t.major() + " and the source in branch " + s.major()
              + ", and a " + direction + " driver is allowed only within the same branch";
        }
        if (maxMinor != null && minorDistance > maxMinor) {
          yield "its minor release is " + minorDistance + " " + side + " of the source's, more than the "
              + maxMinor + " allowed";
        }
        yield null;
      }
    };
  }

  private ProbeAnswer factUnknown(ProbeQuestion q, String fact, String target, String byRule) {
    return ProbeAnswers.unknown(
        q,
        name(),
        ProbeCodes.FACTS_UNKNOWN,
        "the source's " + fact + " is unknown (not in the question, and signature '"
            + q.getSourceSignature() + "' is not a derived one naming it); " + byRule
            + " needs it to decide for " + target + ".");
  }
}
