package io.migplan.cli.executor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.executor.ExecutionFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
    static final String OLD_1 = "c2177883-f1bb-47f0-914d-32a22e3a8804";
    static final String OLD_2 = "a7ad2c2e-7a55-4f2c-8c4b-2d6c0e4f9b12";
    static final String NEW_1 = "11111111-2222-4333-8444-555555555555";
    static final String NEW_2 = "66666666-7777-4888-9999-000000000000";

    /** The XML virsh dumpxml --migratable gave for the test-driver VM in gpu-node.xml. */
    static String gpuVm() throws Exception {
        try (var in = DomainXmlTest.class.getResourceAsStream("/libvirt/gpu-vm-1.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void a_domain_names_itself_and_its_mdevs_in_device_order() throws Exception {
        DomainXml xml = DomainXml.parse(gpuVm(), "the XML");

        assertThat(xml.name()).isEqualTo("gpu-vm-1");
        assertThat(xml.uuid()).isEqualTo("0b9f4a3c-5f0e-4c1d-9a57-3d2f1e6b7a01");
        assertThat(xml.mdevUuids()).containsExactly(OLD_1, OLD_2);
    }

    @Test
    void rewriting_replaces_each_mdev_uuid_and_nothing_else() throws Exception {
        String original = gpuVm();
        DomainXml xml = DomainXml.parse(original, "the XML");

        String rewritten = xml.withMdevUuids(Map.of(OLD_1, NEW_1, OLD_2, NEW_2), "the XML");

        assertThat(DomainXml.parse(rewritten, "x").mdevUuids()).containsExactly(NEW_1, NEW_2);
        assertThat(dom(rewritten).isEqualNode(dom(original.replace(OLD_1, NEW_1).replace(OLD_2, NEW_2))))
                .as("the rewritten XML is the original with the new UUIDs: %s", rewritten).isTrue();
        assertThat(xml.mdevUuids()).as("the parsed XML is left as it was").containsExactly(OLD_1, OLD_2);
    }

    private static org.w3c.dom.Document dom(String xml) throws Exception {
        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        var doc = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
        doc.normalizeDocument();
        return doc;
    }

    @Test
    void an_mdev_without_a_new_uuid_is_refused() throws Exception {
        DomainXml xml = DomainXml.parse(gpuVm(), "the XML");

        assertThatThrownBy(() -> xml.withMdevUuids(Map.of(OLD_1, NEW_1), "the persistent definition of VM gpu-vm-1"))
                .isInstanceOf(ExecutionFailure.class)
                .hasMessage("the persistent definition of VM gpu-vm-1 names mdev " + OLD_2 + ", which the running VM"
                        + " does not have: its definition and its running state differ");
        assertThat(xml.mdevUuids()).containsExactly(OLD_1, OLD_2);
    }

    @Test
    void pci_hostdevs_are_not_mdevs() throws Exception {
        DomainXml xml = DomainXml.parse("""
                <domain type='kvm'><name>v</name><devices>
                  <hostdev mode='subsystem' type='pci' managed='yes'>
                    <source><address domain='0x0000' bus='0x3b' slot='0x00' function='0x4'/></source>
                  </hostdev>
                  <hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='%s'/></source></hostdev>
                </devices></domain>""".formatted(OLD_2), "x");

        assertThat(xml.mdevUuids()).containsExactly(OLD_2);
        assertThat(xml.uuid()).isEmpty();
    }

    @Test
    void what_is_not_a_domain_xml_is_refused_naming_it() {
        assertThatThrownBy(() -> DomainXml.parse("error: failed", "the XML of VM v on host-a"))
                .isInstanceOf(ExecutionFailure.class).hasMessageStartingWith("the XML of VM v on host-a is not XML: ");
        assertThatThrownBy(() -> DomainXml.parse("<device/>", "the XML of VM v on host-a"))
                .hasMessage("the XML of VM v on host-a is not a domain's XML: its root is <device>");
        assertThatThrownBy(() -> DomainXml.parse(
                "<domain><devices><hostdev type='mdev'><source/></hostdev></devices></domain>", "the XML"))
                .hasMessage("the XML: mdev hostdev 1 has 0 <source><address uuid=…/> elements, not one");
    }

    @Test
    void a_document_type_declaration_is_refused_so_no_entity_is_ever_expanded() {
        String xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><name>&x;</name></domain>";

        assertThatThrownBy(() -> DomainXml.parse(xxe, "the XML")).isInstanceOf(ExecutionFailure.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void device_order_is_document_order() throws Exception {
        assertThat(DomainXml.parse(gpuVm(), "x").mdevUuids()).isEqualTo(List.of(OLD_1, OLD_2));
    }
}
