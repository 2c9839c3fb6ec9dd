package io.migplan.agent.probe;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;

/**
 * Chooses per question: the {@link VersionAttributeProbe} where a target type has a version
 * attribute (the driver knows best), else the {@link SameTypeSignatureProbe}. The answer names
 * the backend that actually decided.
 */
public final class AutoProbe implements ProbeBackend {
  private final HostRoot root;
  private final VersionAttributeProbe versionAttribute;
  private final SameTypeSignatureProbe sameSignature = new SameTypeSignatureProbe();

  public AutoProbe(HostRoot root) {
    this.root = root;
    this.versionAttribute = new VersionAttributeProbe(root);
  }

  @Override
  public ProbeAnswer answerOne(ProbeQuestion q, HostSnapshot inventory) throws Exception {
    for (TargetTypes.Target t : TargetTypes.of(q, inventory).targets()) {
      if (VersionAttributeProbe.attribute(root, t.parent().getAddress(), q.getTargetTypeId())
          .isPresent()) {
        return versionAttribute.answerOne(q, inventory);
      }
    }
    return sameSignature.answerOne(q, inventory);
  }

  /** The backend a config names; the rules backend with the built-in rules. */
  public static ProbeBackend forChoice(ProbeBackendChoice choice, HostRoot root) {
    return switch (choice) {
      case VERSION_ATTRIBUTE -> new VersionAttributeProbe(root);
      case SAME_SIGNATURE -> new SameTypeSignatureProbe();
      case AUTO -> new AutoProbe(root);
      case RULES -> new RulesProbe(ProbeRules.defaults());
      case COMMAND -> throw new IllegalArgumentException(
          "the command backend needs probes.command; build it with PerVendorProbe.create");
    };
  }
}
