package io.migplan.scheduler.console;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.inventory.CapacityJson;
import io.migplan.scheduler.inventory.InventoryQueries.HostDetail;
import io.migplan.scheduler.inventory.InventoryQueries.Parent;
import io.migplan.scheduler.inventory.InventoryQueries.Type;
import io.migplan.scheduler.snapshot.HostView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The host page's reading of one host: the stored detail (as {@code GET /api/v1/hosts/{id}} serves
 * it) with, per parent, its capacity model in words and, per device type, the free instances the
 * placement counts: what the agent reported, bounded by the parent's model ({@link
 * HostView#availableOn}, the one rule placement and the planners use). Decides nothing itself.
 */
public final class HostPage {

    private HostPage() {
    }

    /** A device type on a parent: reported free instances, and those the capacity model leaves. */
    public record TypeRow(String typeId, String name, String deviceApi, int reported, Integer free, String signature) {
    }

    public record ParentRow(String address, String board, String driver, String kind, String model,
            List<TypeRow> types) {
    }

    /** The page's content; {@code view} is the snapshot's view of the host, null until it has one. */
    public record Content(HostDetail host, String href, String adminState, List<String> labels,
            List<ParentRow> parents, Map<String, String> vmPages) {
    }

    public static Content of(HostDetail host, HostView view) {
        List<ParentRow> parents = new ArrayList<>();
        for (Parent p : host.parents()) {
            List<TypeRow> types = new ArrayList<>();
            for (Type t : p.types()) {
                types.add(new TypeRow(t.typeId(), t.name(), t.deviceApi(), t.availableInstances(),
                        free(view, p.address(), t.typeId()), t.signature()));
            }
            parents.add(new ParentRow(p.address(), p.board(), p.driver() + (p.driverVersion() == null
                    || p.driverVersion().isBlank() ? "" : " " + p.driverVersion()), p.kind(), model(p.capacity()),
                    List.copyOf(types)));
        }
        Map<String, String> vmPages = new TreeMap<>();
        host.vms().forEach(v -> vmPages.put(v.uuid(), WhereCanPage.href(v.uuid())));
        List<String> labels = host.labels() == null ? List.of() : new TreeMap<>(host.labels()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        return new Content(host, FleetTiles.href(host.id()), host.adminState().name(), labels, List.copyOf(parents),
                vmPages);
    }

    /** Free instances of {@code typeId} on the parent at {@code address} as placement counts them; null when unknown. */
    static Integer free(HostView view, String address, String typeId) {
        if (view == null) {
            return null;
        }
        List<HostView.ParentView> with = view.parentsWith(typeId);
        for (int k = 0; k < with.size(); k++) {
            if (with.get(k).address().equals(address)) {
                return view.availableOn(typeId, k);
            }
        }
        return null;
    }

    /** A parent's capacity model in a line: "NVIDIA equal size, 2 present, locked to 4096 MiB". */
    static String model(String json) {
        Capacity c = CapacityJson.read(json);
        if (c.getRule() == CapacityRule.CAPACITY_RULE_UNSPECIFIED) {
            return "none reported: the agent's counts are used as they are";
        }
        StringBuilder s = new StringBuilder(switch (c.getRule()) {
            case CAPACITY_RULE_INDEPENDENT -> "independent types";
            case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> "NVIDIA equal size";
            case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> "NVIDIA mixed size";
            case CAPACITY_RULE_SHARED_POOL -> "shared pool";
            case CAPACITY_RULE_ONE_PER_VF -> "one per VF";
            default -> c.getRule().name().toLowerCase(Locale.ROOT);
        });
        s.append(", ").append(c.getUsedInstances()).append(" present");
        if (c.getLockedFramebufferMib() > 0) {
            s.append(", locked to ").append(c.getLockedFramebufferMib()).append(" MiB");
        }
        if (!c.getGroup().isEmpty()) {
            s.append(", shares ").append(c.getGroup());
        }
        if (!c.getPoolTotalMap().isEmpty()) {
            s.append(", free ").append(new TreeMap<>(c.getPoolTotalMap()).entrySet().stream()
                    .map(e -> e.getKey() + " " + c.getPoolFreeOrDefault(e.getKey(), 0) + "/" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        return s.toString();
    }
}
