package io.migplan.scheduler.offline;

import io.migplan.fleet.FleetReader;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.SnapshotValidator;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * A fleet file's checked document kept beside it ({@code FILE.plan-cache}) in protobuf's binary
 * form, so that the next plan of the same file skips what costs most in an offline plan: reading
 * the file's JSON and holding each host to the report rules ({@link FleetDocument#read}).
 *
 * <p>Decides whether a cache belongs to a file: it is used only when it was written for a file of
 * the same size, modification time and checksum of its bytes ({@link #digest}), by a reader of the
 * same build (the {@link #build() identity} of the code that decides what a checked document is). Anything else
 * (another file, an edited one, a newer scheduler, a truncated or foreign cache) is ignored and
 * replaced by a cache of what the file now holds. A document that was accepted stays acceptable: the
 * only check that depends on the clock refuses a generation or scan time ahead of it, and the clock
 * only moves on. Bounded: one cache per file, replaced whole (written aside, then moved over), about
 * half the file's size (17.5 MB beside a 38 MB export of 1,000 hosts); a cache that cannot be written (a read-only folder) is skipped, and the
 * plan is made all the same.
 *
 * <p>Does not decide what a plannable file is ({@link FleetDocument}) or what a host looks like to
 * the planners ({@link FleetRows}).
 */
public final class FleetCache {

    /** Appended to the fleet file's name. */
    public static final String SUFFIX = ".plan-cache";
    /** "MPFC": the first and last four bytes of a cache, so a truncated one is never read as whole. */
    static final int MAGIC = 0x4d504643;
    /** This layout; a cache of another is ignored. */
    static final int LAYOUT = 1;
    /** The longest string a cache holds: the fleet format's bound, in UTF-8 bytes (up to 3 per character). */
    static final int MAX_STRING_BYTES = FleetReader.MAX_STRING * 3;
    /** The largest inventory a cache holds: a host's share of the file's bound is far below this. */
    static final int MAX_INVENTORY_BYTES = 256 * 1024 * 1024;
    /** The class files whose code decides what a checked document is: a change to any makes old caches stale. */
    private static final List<String> DECIDING = List.of(classFile(FleetCache.class), classFile(FleetDocument.class),
            classFile(FleetReader.class), classFile(SnapshotValidator.class), classFile(Texts.class),
            // The reader of the inventories' JSON, which the fleet-format module keeps to itself.
            FleetReader.class.getPackageName().replace('.', '/') + "/ProtobufJsonReader.class");
    private static volatile String build;

    private FleetCache() {
    }

    /** Where the cache of {@code file} is kept. */
    public static Path of(Path file) {
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    /**
     * The document of {@code file}: from its cache when the cache belongs to it, otherwise read and
     * checked by {@link FleetDocument#read(Path, Instant)} (refusals unchanged) and then cached.
     */
    public static FleetDocument read(Path file, Instant now) throws IOException {
        BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
        if (!before.isRegularFile() || before.size() > FleetDocument.MAX_BYTES) {
            return FleetDocument.read(file, now); // refused there, with its sentence
        }
        Key key = new Key(before.size(), before.lastModifiedTime().toMillis(), digest(file), build());
        Path cache = of(file);
        FleetDocument cached = load(cache, key);
        if (cached != null) {
            return cached;
        }
        FleetDocument doc = FleetDocument.read(file, now);
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (after.size() == key.size() && after.lastModifiedTime().toMillis() == key.modifiedMillis()) {
            store(cache, key, doc);
        }
        return doc;
    }

    /** What a cache must have been written for to be used. */
    record Key(long size, long modifiedMillis, String crc32c, String build) {
    }

    /** The document in {@code cache} when it was written for {@code key}; null when it is absent, stale or unreadable. */
    static FleetDocument load(Path cache, Key key) {
        if (!Files.isRegularFile(cache)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != LAYOUT || !key.equals(new Key(in.readLong(), in.readLong(),
                    string(in), string(in)))) {
                return null;
            }
            Instant takenAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int count = bounded(in.readInt(), FleetDocument.MAX_HOSTS);
            String[][] heads = new String[count][];
            byte[][] inventories = new byte[count][];
            List<List<FleetDocument.Verdict>> verdicts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                heads[i] = new String[] {string(in), string(in), string(in), string(in)};
                byte[] inventory = new byte[bounded(in.readInt(), MAX_INVENTORY_BYTES)];
                in.readFully(inventory);
                inventories[i] = inventory;
                int n = bounded(in.readInt(), FleetReader.MAX_VERDICTS_PER_HOST);
                List<FleetDocument.Verdict> vs = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    vs.add(new FleetDocument.Verdict(string(in), string(in), string(in), string(in), string(in),
                            string(in), string(in)));
                }
                verdicts.add(vs);
            }
            if (in.readInt() != MAGIC || in.read() != -1) {
                return null;
            }
            FleetDocument.Host[] hosts = new FleetDocument.Host[count];
            // Parsing the messages is the larger part of a cached reading: on every core.
            IntStream.range(0, count).parallel().forEach(i -> hosts[i] = new FleetDocument.Host(heads[i][0],
                    HostState.valueOf(heads[i][1]), AdminState.valueOf(heads[i][2]), heads[i][3],
                    inventory(inventories[i]), verdicts.get(i)));
            return new FleetDocument(takenAt, List.of(hosts));
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return null; // not a cache this reader wrote: ignored, and replaced by the caller
        }
    }

    /** Writes {@code doc} as the cache of {@code key}'s file; a cache that cannot be written is skipped. */
    static boolean store(Path cache, Key key, FleetDocument doc) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(cache.toAbsolutePath().getParent(), cache.getFileName().toString(), ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                    1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(LAYOUT);
                out.writeLong(key.size());
                out.writeLong(key.modifiedMillis());
                string(out, key.crc32c());
                string(out, key.build());
                out.writeLong(doc.takenAt().getEpochSecond());
                out.writeInt(doc.takenAt().getNano());
                out.writeInt(doc.hosts().size());
                for (FleetDocument.Host h : doc.hosts()) {
                    string(out, h.id());
                    string(out, h.state().name());
                    string(out, h.adminState().name());
                    string(out, h.adminReason());
                    byte[] inventory = h.inventory().toByteArray();
                    out.writeInt(inventory.length);
                    out.write(inventory);
                    out.writeInt(h.verdicts().size());
                    for (FleetDocument.Verdict v : h.verdicts()) {
                        for (String s : List.of(v.parent(), v.typeId(), v.sourceSignature(), v.verdict(), v.code(),
                                v.message(), v.backend())) {
                            string(out, s);
                        }
                    }
                }
                out.writeInt(MAGIC);
            }
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the folder refused the cache: nothing of it is left to remove
                }
            }
            return false;
        }
    }

    /**
     * The CRC-32C of {@code file}'s bytes, in hex: a change that keeps the size and the time is
     * caught. A checksum, not a cryptographic digest: the cache guards against edits, not attacks
     * (whoever may write the file may write its cache beside it), and it runs at memory speed
     * where SHA-256 took a quarter of a second of a 38 MB file's cached plan.
     */
    static String digest(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return Long.toHexString(crc.getValue());
    }

    /**
     * This reader's build: the SHA-256 of the class files {@link #DECIDING} and of the host
     * snapshot's protobuf descriptor, so a scheduler whose checks or messages differ never reads
     * another's cache.
     */
    static String build() {
        String b = build;
        if (b == null) {
            MessageDigest sha = sha256();
            for (String name : DECIDING) {
                try (InputStream in = FleetCache.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException("the class file " + name + " cannot be read");
                    }
                    sha.update(in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException("the class file " + name + " cannot be read", e);
                }
            }
            sha.update(HostSnapshot.getDescriptor().getFile().toProto().toByteArray());
            b = HexFormat.of().formatHex(sha.digest());
            build = b;
        }
        return b;
    }

    private static String classFile(Class<?> c) {
        return c.getName().replace('.', '/') + ".class";
    }

    private static HostSnapshot inventory(byte[] bytes) {
        try {
            return HostSnapshot.parseFrom(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int bounded(int value, int max) throws IOException {
        if (value < 0 || value > max) {
            throw new IOException("a count of " + value + " is outside 0.." + max);
        }
        return value;
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] b = new byte[bounded(in.readInt(), MAX_STRING_BYTES)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
