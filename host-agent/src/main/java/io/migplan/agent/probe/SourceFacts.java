package io.migplan.agent.probe;

import io.migplan.agent.inventory.Signatures;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.Optional;

/**
 * What a question tells about the source device: the scheduler's fields where set, else the parts
 * of a derived source signature. An empty string means unknown; nothing is guessed.
 */
record SourceFacts(String typeId, String board, String driver, String driverVersion) {
  static SourceFacts of(ProbeQuestion q) {
    Optional<Signatures.Derived> d = Signatures.parseDerived(q.getSourceSignature());
    return new SourceFacts(
        either(q.getSourceTypeId(), d.map(Signatures.Derived::typeId)),
        either(q.getSourceBoard(), d.flatMap(Signatures.Derived::board)),
        either(q.getSourceDriver(), d.flatMap(Signatures.Derived::driver)),
        either(q.getSourceDriverVersion(), d.flatMap(Signatures.Derived::driverVersion)));
  }

  private static String either(String given, Optional<String> parsed) {
    return !given.isBlank() ? given.strip() : parsed.orElse("");
  }
}
