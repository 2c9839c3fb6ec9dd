package io.migplan.scheduler.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * The key pair the scheduler signs its own tokens with: an RSA key made on first start and kept in
 * {@code migplan.tokens.key-dir} as {@value #PRIVATE_FILE} (PKCS#8 PEM, readable by its owner
 * only), the public half derived from it. The scheduler and {@code token create} read the same
 * file, so a token made on the command line is accepted by the running scheduler. A folder that
 * cannot hold it stops the start with a sentence naming the folder and what to fix.
 */
public record SigningKeys(KeyPair pair, String keyId) {

    static final String PRIVATE_FILE = "token-signing-key.pem";
    /** RS256 with 2048 bits: what OIDC issuers use; verifying one takes tens of microseconds. */
    private static final int BITS = 2048;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    /** The pair in {@code dir}, made there (with the folder) when there is none yet. */
    public static SigningKeys loadOrCreate(Path dir) {
        Path file = dir.resolve(PRIVATE_FILE);
        try {
            if (!Files.exists(file)) {
                create(dir, file);
            }
            if (!Files.isReadable(file)) {
                throw new IllegalStateException(unusable(dir, "the file " + file + " cannot be read"));
            }
            return of(readPrivate(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (AccessDeniedException e) {
            throw new IllegalStateException(unusable(dir, "access to " + e.getFile() + " is denied"), e);
        } catch (IOException e) {
            throw new IllegalStateException(unusable(dir, e.toString()), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the token signing key " + file + " is not an RSA private key in PKCS#8"
                    + " PEM (" + e.getMessage() + "); move it away and start again to make a new one (tokens made"
                    + " with the old key stop working)", e);
        }
    }

    private static String unusable(Path dir, String why) {
        return "the folder for the token signing key, " + dir.toAbsolutePath() + " (migplan.tokens.key-dir), is not"
                + " usable: " + why + "; make it a folder the scheduler's user can write, or set"
                + " migplan.tokens.key-dir to one";
    }

    /** Writes a new key to a temporary file with owner-only permissions, then moves it in place. */
    private static void create(Path dir, Path file) throws IOException, GeneralSecurityException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IllegalStateException(unusable(dir, "it is not a folder"));
            }
            Files.createDirectories(dir);
            restrict(dir, OWNER_DIR);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(BITS);
        KeyPair pair = generator.generateKeyPair();
        Path tmp = Files.createTempFile(dir, ".token-signing-key", ".tmp");
        try {
            restrict(tmp, OWNER_ONLY);
            Files.writeString(tmp, pem(pair.getPrivate()), StandardCharsets.US_ASCII);
            // Atomic: a second scheduler starting at the same moment keeps the first key written.
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another process made it first: use that one.
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    static PrivateKey readPrivate(String pem) throws GeneralSecurityException {
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    /** The pair around a private key, the public half derived from its CRT parameters. */
    static SigningKeys of(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new GeneralSecurityException("not an RSA CRT key");
        }
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(pub.getEncoded());
        // The key id names the key in each token's header, so a rotated key is told apart.
        return new SigningKeys(new KeyPair(pub, key), HexFormat.of().formatHex(digest, 0, 8));
    }
}
