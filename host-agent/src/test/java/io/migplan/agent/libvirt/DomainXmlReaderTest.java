package io.migplan.agent.libvirt;

import static io.migplan.agent.TestTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.proto.v1.Vm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainXmlReaderTest {
  @TempDir Path root;

  private static final String BARE =
      """
      <domain type='kvm'>
        <name>desk-01</name>
        <uuid>8f3c1a2b-0000-4000-8000-000000000001</uuid>
        <memory unit='GiB'>16</memory>
        <vcpu placement='static'>8</vcpu>
        <devices>
          <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
            <source><address uuid='0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b02'/></source>
          </hostdev>
          <hostdev mode='subsystem' type='pci' managed='yes'>
            <source><address domain='0x0000' bus='0x5e' slot='0x00' function='0x0'/></source>
          </hostdev>
          <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
            <source><address uuid='0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01'/></source>
          </hostdev>
        </devices>
      </domain>
      """;

  private static final String DOMSTATUS =
      """
      <domstatus state='running' reason='booted' pid='4242'>
        <monitor path='/var/lib/libvirt/qemu/domain-1-desk-02/monitor.sock' type='unix'/>
        <domain type='kvm' id='1'>
          <name>desk-02</name>
          <uuid>8f3c1a2b-0000-4000-8000-000000000002</uuid>
          <memory>4194304</memory>
          <devices>
            <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='off'>
              <source><address uuid='5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41'/></source>
            </hostdev>
          </devices>
        </domain>
      </domstatus>
      """;

  @Test
  void bareDomainAndDomstatusAreReadAlikeSortedByName() {
    write(root.resolve("run/libvirt/qemu/desk-02.xml"), DOMSTATUS);
    write(root.resolve("run/libvirt/qemu/desk-01.xml"), BARE);

    DomainXmlReader.Result result = new DomainXmlReader(HostRoot.of(root)).read();

    assertThat(result.problems()).isEmpty();
    assertThat(result.vms()).containsExactly(
        Vm.newBuilder().setName("desk-01").setUuid("8f3c1a2b-0000-4000-8000-000000000001").setVcpus(8)
            .setMemoryMib(16 * 1024)
            .addDeviceUuids("0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01")
            .addDeviceUuids("0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b02").build(),
        // No <vcpu>: libvirt's default of 1. No unit: KiB.
        Vm.newBuilder().setName("desk-02").setUuid("8f3c1a2b-0000-4000-8000-000000000002").setVcpus(1)
            .setMemoryMib(4096).addDeviceUuids("5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41").build());
  }

  @Test
  void theAntiAffinityGroupIsReadFromOurMetadataElementWhateverItsPrefix() throws Exception {
    Vm vm = parse("<domain><name>db-2</name><metadata>"
        + "<other:placement xmlns:other='https://example.org/not-ours' antiAffinityGroup='wrong'/>"
        + "<mp:placement xmlns:mp='https://migplan.io/xmlns/libvirt/placement/1' antiAffinityGroup=' db '/>"
        + "</metadata></domain>");
    assertThat(vm.getAntiAffinityGroup()).isEqualTo("db");
  }

  @Test
  void aDomainWithoutOurMetadataHasNoAntiAffinityGroup() throws Exception {
    assertThat(parse("<domain><name>a</name></domain>").getAntiAffinityGroup()).isEmpty();
    assertThat(parse("<domain><name>a</name><metadata><x:placement xmlns:x='urn:x' antiAffinityGroup='g'/>"
        + "</metadata></domain>").getAntiAffinityGroup()).isEmpty();
  }

  @Test
  void currentMemoryIsUsedWhenMemoryIsAbsent() throws Exception {
    Vm vm = parse("<domain><name>a</name><currentMemory unit='MiB'>2048</currentMemory></domain>");
    assertThat(vm.getMemoryMib()).isEqualTo(2048);
  }

  @Test
  void aFileThatDoesNotParseIsAProblemAndOtherVmsAreStillRead() {
    write(root.resolve("run/libvirt/qemu/broken.xml"), "<domain><name>half</name><devices>");
    write(root.resolve("run/libvirt/qemu/other.xml"), "<network><name>default</name></network>");
    write(root.resolve("run/libvirt/qemu/desk-01.xml"), BARE);
    write(root.resolve("run/libvirt/qemu/desk-01.pid"), "4242");

    DomainXmlReader.Result result = new DomainXmlReader(HostRoot.of(root)).read();

    assertThat(result.vms()).extracting(Vm::getName).containsExactly("desk-01");
    assertThat(result.problems()).hasSize(2);
    assertThat(result.problems()).anySatisfy(p -> {
      assertThat(p.getPath()).endsWith("run/libvirt/qemu/broken.xml");
      assertThat(p.getMessage()).contains("broken.xml", "virsh dumpxml");
    });
    assertThat(result.problems()).anySatisfy(p -> assertThat(p.getMessage()).contains("<network>"));
  }

  @Test
  void externalEntitiesAreRefused() {
    write(root.resolve("secret"), "top secret");
    write(
        root.resolve("run/libvirt/qemu/xxe.xml"),
        "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file://" + root.resolve("secret")
            + "'>]><domain><name>&x;</name></domain>");

    DomainXmlReader.Result result = new DomainXmlReader(HostRoot.of(root)).read();

    assertThat(result.vms()).isEmpty();
    assertThat(result.problems()).singleElement()
        .satisfies(p -> assertThat(p.getMessage()).doesNotContain("top secret").contains("DOCTYPE"));
  }

  @Test
  void noLibvirtDirectoryIsALibvirtProblemNotAnEmptyHost() {
    DomainXmlReader.Result result = new DomainXmlReader(HostRoot.of(root)).read();
    assertThat(result.vms()).isEmpty();
    assertThat(result.problems()).singleElement().satisfies(p -> {
      assertThat(p.getPath()).isEqualTo(root.resolve("run/libvirt/qemu").toString());
      assertThat(p.getSource()).isEqualTo(io.migplan.proto.v1.ProblemSource.PROBLEM_SOURCE_LIBVIRT);
      assertThat(p.getMessage()).contains("missing", "cannot tell which VMs run here");
    });
  }

  @Test
  void anEmptyLibvirtDirectoryIsNoVmsAndNoProblem() throws Exception {
    java.nio.file.Files.createDirectories(root.resolve("run/libvirt/qemu"));
    DomainXmlReader.Result result = new DomainXmlReader(HostRoot.of(root)).read();
    assertThat(result.vms()).isEmpty();
    assertThat(result.problems()).isEmpty();
  }

  private static Vm parse(String xml) throws Exception {
    return DomainXmlReader.parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
