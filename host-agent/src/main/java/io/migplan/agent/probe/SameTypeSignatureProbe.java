package io.migplan.agent.probe;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;

/**
 * The vendor rule without a kernel to ask (FACTS.md section 5: same vGPU type, same board SKU,
 * same driver version): compatible iff the target type exists here (on the target parent when
 * one is given), is the source's type when the source type is given, and its {@link
 * io.migplan.agent.inventory.Signatures signature} equals the source signature exactly.
 *
 * <p>It does not know about backward or cross-version compatibility a driver might accept; that
 * needs a backend that can ask the driver.
 */
public final class SameTypeSignatureProbe implements ProbeBackend {
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
    if (!q.getSourceTypeId().isEmpty() && !q.getSourceTypeId().equals(q.getTargetTypeId())) {
      return ProbeAnswers.incompatible(
          q,
          name(),
          ProbeCodes.TYPE_MISMATCH,
          "source type "
              + q.getSourceTypeId()
              + " differs from target "
              + TargetTypes.where(q)
              + "; state only moves between devices of the same type.");
    }
    for (TargetTypes.Target t : targets.targets()) {
      if (t.type().getSignature().equals(q.getSourceSignature())) {
        return ProbeAnswers.compatible(
            q,
            name(),
            "type "
                + q.getTargetTypeId()
                + " on parent "
                + t.parent().getAddress()
                + " has signature '"
                + t.type().getSignature()
                + "', equal to the source's.");
      }
    }
    TargetTypes.Target first = targets.targets().get(0);
    return ProbeAnswers.incompatible(
        q,
        name(),
        ProbeCodes.SIGNATURE_MISMATCH,
        "type "
            + q.getTargetTypeId()
            + " on parent "
            + first.parent().getAddress()
            + " has signature '"
            + first.type().getSignature()
            + "' but the source's is '"
            + q.getSourceSignature()
            + "'.");
  }
}
