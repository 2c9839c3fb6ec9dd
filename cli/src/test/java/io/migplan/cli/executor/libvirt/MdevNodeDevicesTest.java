package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.executor.ExecutionFailure;
import org.junit.jupiter.api.Test;

class MdevNodeDevicesTest {
    private static final String UUID = "c2177883-f1bb-47f0-914d-32a22e3a8804";

    @Test
    void the_create_xml_names_parent_type_and_uuid_as_libvirt_reads_them() throws Exception {
        assertThat(MdevNodeDevices.createXml("pci_0000_3b_00_0", "nvidia-231", UUID.toUpperCase())).isEqualTo("""
                <device>
                  <parent>pci_0000_3b_00_0</parent>
                  <capability type='mdev'>
                    <type id='nvidia-231'/>
                    <uuid>c2177883-f1bb-47f0-914d-32a22e3a8804</uuid>
                  </capability>
                </device>
                """);
    }

    @Test
    void a_type_or_uuid_that_is_not_one_is_refused() {
        assertThatThrownBy(() -> MdevNodeDevices.createXml("pci_0000_3b_00_0", "nvidia-231'/><x", UUID))
                .isInstanceOf(ExecutionFailure.class).hasMessage("mdev type 'nvidia-231'/><x' is not a type id like nvidia-231");
        assertThatThrownBy(() -> MdevNodeDevices.createXml("pci_0000_3b_00_0", "nvidia-231", "c2177883"))
                .isInstanceOf(ExecutionFailure.class).hasMessage("'c2177883' is not an mdev UUID");
    }

    @Test
    void the_created_name_is_read_from_virsh_answer() {
        assertThat(MdevNodeDevices.createdName(
                "Node device mdev_96c03c6a_a109_44fe_816a_ba371542164b_0000_3b_00_0 created from /tmp/m/mdev-0.xml\n\n"))
                .hasValue("mdev_96c03c6a_a109_44fe_816a_ba371542164b_0000_3b_00_0");
        assertThat(MdevNodeDevices.createdName("")).isEmpty();
    }

    @Test
    void the_node_device_of_a_uuid_is_found_in_both_naming_schemes() throws Exception {
        String list = """
                mdev_a7ad2c2e_7a55_4f2c_8c4b_2d6c0e4f9b12_0000_d8_00_0
                mdev_c2177883_f1bb_47f0_914d_32a22e3a8804
                mdev_c2177883_f1bb_47f0_914d_32a22e3a88041_0000_3b_00_0

                """;

        assertThat(MdevNodeDevices.named(list, UUID)).containsExactly("mdev_c2177883_f1bb_47f0_914d_32a22e3a8804");
        assertThat(MdevNodeDevices.named(list, "a7ad2c2e-7a55-4f2c-8c4b-2d6c0e4f9b12"))
                .containsExactly("mdev_a7ad2c2e_7a55_4f2c_8c4b_2d6c0e4f9b12_0000_d8_00_0");
        assertThat(MdevNodeDevices.named(list, "00000000-0000-0000-0000-000000000000")).isEmpty();
    }
}
