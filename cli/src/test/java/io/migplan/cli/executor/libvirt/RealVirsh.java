package io.migplan.cli.executor.libvirt;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the real {@code virsh} (Debian's libvirt-clients) is here for tests against libvirt's
 * test driver. Without it such a test is skipped with a message, except in CI ({@code CI=true}),
 * where its absence is a failure: CI installs libvirt-clients, so a missing virsh there means
 * these tests would silently stop testing anything.
 */
final class RealVirsh {
    private RealVirsh() {
    }

    static void require() {
        require(System.getenv("PATH"), System.getenv("CI"));
    }

    /** {@link #require()} for a given PATH and CI variable. */
    static void require(String path, String ci) {
        boolean found = onPath("virsh", path);
        if (!found && "true".equals(ci)) {
            fail("virsh is not installed but CI=true: install libvirt-clients (apt-get install libvirt-clients)"
                    + " so the libvirt test-driver tests run");
        }
        assumeTrue(found, "virsh is not installed: the libvirt test-driver tests are skipped"
                + " (apt-get install libvirt-clients to run them)");
    }

    private static boolean onPath(String program, String path) {
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }
}
