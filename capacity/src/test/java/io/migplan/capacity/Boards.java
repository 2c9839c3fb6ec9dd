package io.migplan.capacity;

import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Type tables of real boards, for the capacity tests. */
final class Boards {
  /** A type's id, framebuffer (MiB) and max_instance. */
  record Type(String id, long fbMib, int max) {}

  /** Tesla T4 16 GB, fixtures nvidia/OBSERVED.md section B (vgpuConfig.xml of driver 510.47.03). */
  static final List<Type> T4 = List.of(
      new Type("nvidia-222", 1024, 16), new Type("nvidia-223", 2048, 8), new Type("nvidia-224", 2048, 8),
      new Type("nvidia-225", 1024, 16), new Type("nvidia-226", 2048, 8), new Type("nvidia-227", 4096, 4),
      new Type("nvidia-228", 8192, 2), new Type("nvidia-229", 16384, 1), new Type("nvidia-230", 1024, 16),
      new Type("nvidia-231", 2048, 8), new Type("nvidia-232", 4096, 4), new Type("nvidia-233", 8192, 2),
      new Type("nvidia-234", 16384, 1), new Type("nvidia-252", 1024, 16), new Type("nvidia-319", 4096, 4),
      new Type("nvidia-320", 8192, 2), new Type("nvidia-321", 16384, 1));

  private Boards() {}

  static Map<String, TypeDemand> t4Demands() {
    Map<String, TypeDemand> demands = new TreeMap<>();
    for (Type t : T4) {
      demands.put(t.id(), NvidiaEqualSizeModel.demand(t.fbMib(), t.max()));
    }
    return demands;
  }
}
