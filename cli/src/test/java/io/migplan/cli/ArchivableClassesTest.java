package io.migplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The launcher's class-data-sharing archive (deploy/bin/migplan) takes only classes of class-file
 * version 50 (Java 6) or later on JDK 17; older ones are loaded and verified from their jar at every
 * start. Picocli's published jar is Java 5 bytecode, so the command line takes it compiled for
 * Java 17 (module picocli-java17).
 */
class ArchivableClassesTest {

    /** Java 17's class-file major version. */
    static final int JAVA_17 = 61;

    @Test
    void picocliOnTheCommandLinesClassPathIsJava17Bytecode() throws IOException {
        for (Class<?> c : List.of(CommandLine.class, CommandLine.Model.CommandSpec.class, CommandLine.Help.class,
                picocli.AutoComplete.class)) {
            assertThat(majorVersion(c)).as(c.getName()).isEqualTo(JAVA_17);
        }
    }

    private static int majorVersion(Class<?> c) throws IOException {
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readInt()).as("magic of " + resource).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor
            return data.readUnsignedShort();
        }
    }
}
