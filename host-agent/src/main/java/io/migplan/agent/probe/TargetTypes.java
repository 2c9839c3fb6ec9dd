package io.migplan.agent.probe;

import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where a question's target type exists on this host: (parent, type) pairs in parent order. */
record TargetTypes(List<Target> targets) {
  record Target(ParentDevice parent, DeviceType type) {}

  /** Type id -> where it exists, for one snapshot; rebuilt only when the snapshot changes. */
  private record Index(HostSnapshot snapshot, Map<String, List<Target>> byType) {}

  // Batches and backends share the snapshot object, so one index serves every question of a
  // batch (and the router and the backend) instead of a walk over all parents per question.
  private static volatile Index last;

  static TargetTypes of(ProbeQuestion q, HostSnapshot inventory) {
    List<Target> all = index(inventory).getOrDefault(q.getTargetTypeId(), List.of());
    if (q.getTargetParent().isEmpty()) {
      return new TargetTypes(all);
    }
    List<Target> out = new ArrayList<>(1);
    for (Target t : all) {
      if (q.getTargetParent().equals(t.parent().getAddress())) {
        out.add(t);
      }
    }
    return new TargetTypes(out);
  }

  private static Map<String, List<Target>> index(HostSnapshot inventory) {
    Index i = last;
    if (i != null && i.snapshot() == inventory) {
      return i.byType();
    }
    Map<String, List<Target>> byType = new HashMap<>();
    for (ParentDevice parent : inventory.getParentsList()) {
      for (DeviceType type : parent.getTypesList()) {
        byType.computeIfAbsent(type.getTypeId(), k -> new ArrayList<>()).add(new Target(parent, type));
      }
    }
    byType.replaceAll((k, v) -> List.copyOf(v));
    last = new Index(inventory, byType);
    return byType;
  }

  boolean isEmpty() {
    return targets.isEmpty();
  }

  /** "nvidia-231 on 0000:3b:00.0" or "nvidia-231 on any parent" for sentences. */
  static String where(ProbeQuestion q) {
    return "type "
        + q.getTargetTypeId()
        + (q.getTargetParent().isEmpty() ? " on any parent" : " on parent " + q.getTargetParent());
  }
}
