package io.migplan.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void theKeyIsMadeOnceReadableByItsOwnerOnlyAndReadBackTheSame() throws Exception {
        Path keys = dir.resolve("keys");
        SigningKeys made = SigningKeys.loadOrCreate(keys);
        SigningKeys read = SigningKeys.loadOrCreate(keys);

        assertThat(read.keyId()).isEqualTo(made.keyId());
        assertThat(read.publicKey()).isEqualTo(made.publicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(SigningKeys.PRIVATE_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
    }

    @Test
    void aKeyFolderThatIsAFileStopsTheStartWithASentenceNamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "not a folder");

        assertThatThrownBy(() -> SigningKeys.loadOrCreate(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not usable: it is not a folder").hasMessageContaining("migplan.tokens.key-dir");
    }

    @Test
    void aKeyFileThatIsNotAKeyIsNamedWithWhatToDo() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keys.resolve(SigningKeys.PRIVATE_FILE), "garbage");

        assertThatThrownBy(() -> SigningKeys.loadOrCreate(keys)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an RSA private key").hasMessageContaining("move it away");
    }
}
