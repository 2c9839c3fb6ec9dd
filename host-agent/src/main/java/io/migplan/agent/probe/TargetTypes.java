package io.migplan.agent.probe;

import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.ArrayList;
import java.util.List;

/** Where a question's target type exists on this host: (parent, type) pairs in parent order. */
record TargetTypes(List<Target> targets) {
  record Target(ParentDevice parent, DeviceType type) {}

  static TargetTypes of(ProbeQuestion q, HostSnapshot inventory) {
    List<Target> out = new ArrayList<>();
    for (ParentDevice parent : inventory.getParentsList()) {
      if (!q.getTargetParent().isEmpty() && !q.getTargetParent().equals(parent.getAddress())) {
        continue;
      }
      for (DeviceType type : parent.getTypesList()) {
        if (type.getTypeId().equals(q.getTargetTypeId())) {
          out.add(new Target(parent, type));
        }
      }
    }
    return new TargetTypes(out);
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
