package io.migplan.cli.executor.libvirt;

import io.migplan.cli.executor.ExecutionFailure;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names, in libvirt's node device tree, the parent device an mdev is to be created on. The
 * scheduler gives a parent as the kernel names it under {@code /sys/class/mdev_bus}; for a PCI
 * device (a GPU or an SR-IOV VF: {@code 0000:3b:00.0}) libvirt's node device is {@code
 * pci_0000_3b_00_0} (domain, bus, slot and function, ':' and '.' turned into '_').
 *
 * <p>Only PCI parents are taken. The other mdev parents the kernel knows are refused with a
 * sentence: s390 channel subsystem devices (vfio-ccw, {@code 0.0.0072}, node device {@code
 * css_0_0_0072}) and the AP matrix (vfio-ap, {@code matrix}, node device {@code ap_matrix}) have no
 * live migration of their device state in the kernel, so no migration through them can succeed.
 */
final class MdevParents {
    /** DDDD:BB:SS.F, as sysfs spells a PCI address (lower case; upper case is accepted and folded). */
    private static final Pattern PCI_ADDRESS =
            Pattern.compile("([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\\.([0-7])");
    /** The node device name itself, for a caller that already has it. */
    private static final Pattern PCI_NODE_DEVICE = Pattern.compile("pci_[0-9a-f]{4}_[0-9a-f]{2}_[0-1][0-9a-f]_[0-7]");
    /** c.s.dddd: a channel subsystem device (vfio-ccw). */
    private static final Pattern CCW_DEVICE = Pattern.compile("(?:css_)?[0-9a-f]\\.[0-9a-f]\\.[0-9a-f]{4}|css_.*");

    private MdevParents() {
    }

    /**
     * The libvirt node device name of the PCI parent {@code parent}.
     *
     * @throws ExecutionFailure naming the parent and why it is refused when it is not a PCI address
     */
    static String nodeDeviceName(String parent) throws ExecutionFailure {
        String p = parent == null ? "" : parent.strip().toLowerCase(Locale.ROOT);
        Matcher m = PCI_ADDRESS.matcher(p);
        if (m.matches()) {
            return "pci_" + m.group(1) + "_" + m.group(2) + "_" + m.group(3) + "_" + m.group(4);
        }
        if (PCI_NODE_DEVICE.matcher(p).matches()) {
            return p;
        }
        if (CCW_DEVICE.matcher(p).matches()) {
            throw new ExecutionFailure("parent '" + parent + "' is an s390 channel subsystem device (vfio-ccw):"
                    + " the kernel cannot migrate its state, so the libvirt executor creates mdevs on PCI parents only");
        }
        if (p.equals("matrix") || p.equals("ap_matrix")) {
            throw new ExecutionFailure("parent '" + parent + "' is the s390 AP matrix (vfio-ap): the kernel cannot"
                    + " migrate its state, so the libvirt executor creates mdevs on PCI parents only");
        }
        throw new ExecutionFailure("parent '" + parent + "' is not a PCI address like 0000:3b:00.0: the libvirt"
                + " executor creates mdevs on PCI parents only");
    }
}
