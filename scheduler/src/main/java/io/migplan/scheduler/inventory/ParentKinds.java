package io.migplan.scheduler.inventory;

import io.migplan.proto.v1.ParentKind;

/** The stored and served name of a parent's kind: MDEV (also for agents that do not say) or NVIDIA_VGPU. */
final class ParentKinds {

    private ParentKinds() {
    }

    static String name(ParentKind kind) {
        return switch (kind) {
            case PARENT_KIND_NVIDIA_VGPU -> "NVIDIA_VGPU";
            // Agents before the kind existed reported only mdev parents.
            case PARENT_KIND_MDEV, PARENT_KIND_UNSPECIFIED, UNRECOGNIZED -> "MDEV";
        };
    }
}
