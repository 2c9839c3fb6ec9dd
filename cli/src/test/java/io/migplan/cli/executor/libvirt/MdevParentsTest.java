package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.executor.ExecutionFailure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MdevParentsTest {

    @ParameterizedTest(name = "PCI parent {0} is node device {1}")
    @CsvSource({
        "0000:3b:00.0, pci_0000_3b_00_0",
        "0000:D8:1F.7, pci_0000_d8_1f_7",
        "0001:00:02.0, pci_0001_00_02_0",
        "pci_0000_3b_00_0, pci_0000_3b_00_0",
    })
    void a_pci_parent_is_named_as_libvirt_names_its_node_device(String parent, String node) throws Exception {
        assertThat(MdevParents.nodeDeviceName(parent)).isEqualTo(node);
    }

    @ParameterizedTest(name = "parent ''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0.0072 | parent '0.0.0072' is an s390 channel subsystem device (vfio-ccw): the kernel cannot migrate its"
            + " state, so the libvirt executor creates mdevs on PCI parents only",
        "css_0_0_0072 | parent 'css_0_0_0072' is an s390 channel subsystem device (vfio-ccw): the kernel cannot"
            + " migrate its state, so the libvirt executor creates mdevs on PCI parents only",
        "matrix | parent 'matrix' is the s390 AP matrix (vfio-ap): the kernel cannot migrate its state, so the"
            + " libvirt executor creates mdevs on PCI parents only",
        "0000:3b:00 | parent '0000:3b:00' is not a PCI address like 0000:3b:00.0: the libvirt executor creates mdevs"
            + " on PCI parents only",
        "0000:3b:20.0 | parent '0000:3b:20.0' is not a PCI address like 0000:3b:00.0: the libvirt executor creates"
            + " mdevs on PCI parents only",
        "mdpy | parent 'mdpy' is not a PCI address like 0000:3b:00.0: the libvirt executor creates mdevs on PCI"
            + " parents only",
    })
    void other_parents_are_refused_with_a_sentence(String parent, String message) {
        assertThatThrownBy(() -> MdevParents.nodeDeviceName(parent)).isInstanceOf(ExecutionFailure.class)
                .hasMessage(message);
    }
}
