package io.migplan.scheduler.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.migplan.scheduler.bench.Boards.VgpuType;
import io.migplan.scheduler.bench.Fleet.Gpu;
import io.migplan.scheduler.bench.Fleet.Host;
import io.migplan.scheduler.bench.Fleet.Vm;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a generated fleet and a plan as plain JSON, so another planner can run on exactly the
 * same instance and be checked the same way. Formats are described in docs/benchmarks.md.
 */
final class JsonWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonWriter() {
    }

    static void fleet(Path file, Fleet fleet) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("seed", fleet.seed());
        root.put("eligibility", "a VM may move to another host not being emptied whose release rank is at least"
                + " its source's, with the same board when it has vGPUs, with its vCPUs and memory free, and per"
                + " vGPU a GPU (a free VF of it on SR-IOV boards) that is empty or locked to the vGPU's framebuffer"
                + " with used < max_instances; two vGPUs of one VM go to two GPUs");
        Map<String, Object> boards = new LinkedHashMap<>();
        for (var b : Boards.ALL) {
            Map<String, Object> types = new LinkedHashMap<>();
            for (VgpuType t : b.types()) {
                types.put(t.typeId(), Map.of("framebufferMib", t.framebufferMib(), "maxInstances", t.maxInstances()));
            }
            boards.put(b.name(), Map.of("rule", b.rule().name(), "memoryMib", b.memoryMib(),
                    "gpusPerHost", b.gpusPerHost(), "vfsPerGpu", b.vfsPerGpu(), "types", types));
        }
        root.put("boards", boards);
        List<Object> hosts = new ArrayList<>();
        for (Host h : fleet.hosts()) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("id", h.id());
            host.put("release", h.release());
            host.put("releaseRank", h.releaseRank());
            host.put("cpus", h.cpus());
            host.put("memoryMib", h.memoryMib());
            host.put("usedCpus", fleet.usedCpus(h));
            host.put("usedMemoryMib", fleet.usedMemoryMib(h));
            host.put("failureDomain", h.failureDomain());
            host.put("board", h.board().name());
            List<Object> gpus = new ArrayList<>();
            for (Gpu g : h.gpus()) {
                Map<String, Object> gpu = new LinkedHashMap<>();
                gpu.put("address", g.address());
                gpu.put("lockedFramebufferMib", g.lockedFramebufferMib());
                gpu.put("usedInstances", g.used());
                if (!g.vfs().isEmpty()) {
                    List<String> free = new ArrayList<>();
                    for (int i = 0; i < g.vfs().size(); i++) {
                        if (!g.vfUsed(i)) {
                            free.add(g.vfs().get(i));
                        }
                    }
                    gpu.put("vfs", g.vfs());
                    gpu.put("freeVfs", free);
                }
                gpus.add(gpu);
            }
            host.put("gpus", gpus);
            hosts.add(host);
        }
        root.put("hosts", hosts);
        List<Object> vms = new ArrayList<>();
        for (Vm v : fleet.vms()) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("name", v.name());
            vm.put("host", v.host());
            vm.put("vcpus", v.vcpus());
            vm.put("memoryMib", v.memoryMib());
            vm.put("devices", v.devices());
            vm.put("antiAffinityGroup", v.antiAffinityGroup());
            vms.add(vm);
        }
        root.put("vms", vms);
        MAPPER.writeValue(file.toFile(), root);
    }

    static void plan(Path file, EvacuationProblem problem, EvacuationPlan plan, boolean eligible) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("problem", problem.id());
        root.put("evacuating", problem.evacuating().stream().sorted().toList());
        if (eligible) {
            Map<String, Object> lists = new LinkedHashMap<>();
            problem.vms().forEach(v -> lists.put(v.name(), v.eligible()));
            root.put("eligible", lists);
        }
        root.put("planner", plan.planner());
        root.put("metrics", plan.metrics());
        root.put("migrations", plan.migrations());
        root.put("unplaced", plan.unplaced());
        MAPPER.writeValue(file.toFile(), root);
    }
}
