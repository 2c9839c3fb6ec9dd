package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.inventory.CapacityJson;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPageTest {

    @Test
    void aCapacityModelReadsAsALine() {
        assertThat(HostPage.model(CapacityJson.write(Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
                .setUsedInstances(2).setLockedFramebufferMib(4096).build())))
                .isEqualTo("NVIDIA equal size, 2 present, locked to 4096 MiB");
        assertThat(HostPage.model(CapacityJson.write(Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_SHARED_POOL)
                .putPoolTotal("low_gm_mib", 512).putPoolFree("low_gm_mib", 128).build())))
                .isEqualTo("shared pool, 0 present, free low_gm_mib 128/512");
        assertThat(HostPage.model("")).startsWith("none reported");
    }

    @Test
    void freeInstancesAreWhatTheSnapshotCountsOnThatParent() {
        HostView v = Views.withParents(Views.host("h1"), Views.parent("0000:3b:00.0", Views.type("nvidia-231", 3)),
                Views.parent("0000:5e:00.0", Views.type("nvidia-231", 1)));
        assertThat(HostPage.free(v, "0000:5e:00.0", "nvidia-231")).isEqualTo(1);
        assertThat(HostPage.free(v, "0000:3b:00.0", "nvidia-231")).isEqualTo(3);
        assertThat(HostPage.free(v, "0000:3b:00.0", "nvidia-999")).isNull();
        assertThat(HostPage.free(null, "0000:3b:00.0", "nvidia-231")).isNull();
        assertThat(List.of(v.parents().size())).containsExactly(2);
    }
}
