package io.migplan.cli.executor.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small shell scripts for tests to run as programs. */
public final class Scripts {
    private Scripts() {
    }

    /** An executable {@code /bin/sh} script {@code name} in {@code dir} with {@code body}. */
    public static Path write(Path dir, String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
