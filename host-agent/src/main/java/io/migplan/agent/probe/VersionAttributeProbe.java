package io.migplan.agent.probe;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.inventory.MdevInventoryReader;
import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the target type's {@code version} (or {@code migration_version}) attribute, with the
 * semantics of the 2019 mdev proposal (shared/seed): writing the source's version string is
 * accepted when the driver would take that state (COMPATIBLE), refused with EINVAL when not
 * (INCOMPATIBLE, {@code VERSION_REJECTED}); a type without the attribute does not support live
 * migration (INCOMPATIBLE, {@code NOT_MIGRATABLE}).
 *
 * <p>On a real host (the attribute lives on a file system of type {@code sysfs}) it writes, and
 * the kernel decides; the write only asks, it creates nothing. Anywhere else (test and simulator
 * trees) the file stands in for the kernel and nothing is written: it accepts exactly the strings
 * it lists, one per line, and its first line is the type's own signature.
 *
 * <p>With no target parent given, the type is asked on every parent that has it and one
 * acceptance is enough. Any other failure is UNKNOWN.
 */
public final class VersionAttributeProbe implements ProbeBackend {
  /** The file system type Linux reports for /sys. */
  static final String SYSFS = "sysfs";

  private final HostRoot root;

  public VersionAttributeProbe(HostRoot root) {
    this.root = root;
  }

  /** The attribute file of a type on a parent, if it has one. */
  static Optional<Path> attribute(HostRoot root, String parent, String typeId) {
    Path dir = root.typeDir(parent, typeId);
    for (String name : MdevInventoryReader.VERSION_ATTRIBUTES) {
      Path file = dir.resolve(name);
      if (Files.exists(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  private enum Outcome {
    ACCEPTED,
    REJECTED,
    NO_ATTRIBUTE,
    FAILED
  }

  private record ParentResult(String parent, Outcome outcome, String detail) {}

  @Override
  public ProbeAnswer answerOne(ProbeQuestion q, HostSnapshot inventory) {
    TargetTypes targets = TargetTypes.of(q, inventory);
    if (targets.isEmpty()) {
      return ProbeAnswers.incompatible(
          q,
          name(),
          ProbeCodes.NO_SUCH_TYPE,
          TargetTypes.where(q) + " does not exist on this host.");
    }
    List<ParentResult> results = new ArrayList<>();
    for (TargetTypes.Target t : targets.targets()) {
      ParentResult r = ask(t.parent().getAddress(), q.getTargetTypeId(), q.getSourceSignature());
      if (r.outcome == Outcome.ACCEPTED) {
        return ProbeAnswers.compatible(
            q,
            name(),
            "type "
                + q.getTargetTypeId()
                + " on parent "
                + r.parent
                + " accepts signature '"
                + q.getSourceSignature()
                + "' (version attribute "
                + r.detail
                + ").");
      }
      results.add(r);
    }
    for (ParentResult r : results) {
      if (r.outcome == Outcome.FAILED) {
        return ProbeAnswers.unknown(
            q,
            name(),
            "asking the version attribute of type "
                + q.getTargetTypeId()
                + " on parent "
                + r.parent
                + " failed: "
                + r.detail);
      }
    }
    ParentResult first = results.get(0);
    if (first.outcome == Outcome.NO_ATTRIBUTE) {
      return ProbeAnswers.incompatible(
          q,
          name(),
          ProbeCodes.NOT_MIGRATABLE,
          "type "
              + q.getTargetTypeId()
              + " on parent "
              + first.parent
              + " has no version attribute: not live-migratable.");
    }
    return ProbeAnswers.incompatible(
        q,
        name(),
        ProbeCodes.VERSION_REJECTED,
        "type "
            + q.getTargetTypeId()
            + " on parent "
            + first.parent
            + " rejects signature '"
            + q.getSourceSignature()
            + "' ("
            + first.detail
            + ").");
  }

  private ParentResult ask(String parent, String typeId, String signature) {
    Optional<Path> attribute = attribute(root, parent, typeId);
    if (attribute.isEmpty()) {
      return new ParentResult(parent, Outcome.NO_ATTRIBUTE, "");
    }
    Path file = attribute.get();
    try {
      if (SYSFS.equals(Files.getFileStore(file).type())) {
        return askKernel(parent, file, signature);
      }
      return askListedStrings(parent, file, signature);
    } catch (IOException | RuntimeException e) {
      return new ParentResult(parent, Outcome.FAILED, file + ": " + Problems.describe(e));
    }
  }

  /** The real thing: the driver answers the write with success or an errno. */
  private ParentResult askKernel(String parent, Path file, String signature) {
    try {
      Files.write(file, signature.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
      return new ParentResult(parent, Outcome.ACCEPTED, file.getFileName().toString());
    } catch (IOException e) {
      return new ParentResult(parent, classifyWriteFailure(e), file + ": " + Problems.describe(e));
    }
  }

  /**
   * EINVAL is the proposal's "incompatible"; Java reports it as an IOException whose message is
   * strerror(EINVAL), "Invalid argument". Any other errno is a fault, not an answer.
   */
  static Outcome classifyWriteFailure(IOException e) {
    String msg = e.getMessage();
    return msg != null && msg.contains("Invalid argument") ? Outcome.REJECTED : Outcome.FAILED;
  }

  static boolean isRejection(IOException e) {
    return classifyWriteFailure(e) == Outcome.REJECTED;
  }

  /** A plain file stands in for the driver: it accepts exactly the lines it lists. */
  private ParentResult askListedStrings(String parent, Path file, String signature)
      throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && line.strip().equals(signature)) {
        return new ParentResult(parent, Outcome.ACCEPTED, file.getFileName().toString());
      }
    }
    return new ParentResult(
        parent, Outcome.REJECTED, file.getFileName() + " does not list it, as EINVAL would say");
  }
}
