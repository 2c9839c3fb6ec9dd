package io.migplan.scheduler.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An image in an OCI archive (the OCI image layout as one tar: {@code oci-layout}, {@code
 * index.json}, {@code blobs/sha256/...}), read as a container runtime reads it: index, then
 * manifest, then config and layers, each blob checked against its digest. It can lay the layers
 * out in a folder, in order, as the root file system a container would get. It reads and extracts;
 * it decides nothing about what the image should hold.
 */
public final class OciImage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, byte[]> files;
    private final JsonNode index;
    private final JsonNode manifest;
    private final JsonNode config;

    /** One entry of a layer: its path (without a leading {@code ./} or {@code /}), mode, owner and kind. */
    public record Entry(String path, int mode, long uid, long gid, boolean directory, boolean symbolicLink) {
    }

    private OciImage(Map<String, byte[]> files) throws IOException {
        this.files = files;
        this.index = JSON.readTree(require("index.json"));
        JsonNode manifests = index.path("manifests");
        if (manifests.size() != 1) {
            throw new IllegalStateException("index.json lists " + manifests.size() + " manifests, not one: " + index);
        }
        this.manifest = JSON.readTree(blob(manifests.get(0)));
        this.config = JSON.readTree(blob(manifest.path("config")));
    }

    /** Reads the whole archive into memory (the scheduler's is ~100 MB). */
    public static OciImage read(Path archive) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile()) {
                    files.put(strip(e.getName()), tar.readAllBytes());
                }
            }
        }
        return new OciImage(files);
    }

    public String layoutVersion() throws IOException {
        return JSON.readTree(require("oci-layout")).path("imageLayoutVersion").asText();
    }

    public JsonNode index() {
        return index;
    }

    public JsonNode manifest() {
        return manifest;
    }

    /** The image configuration's {@code config} object: Entrypoint, User, ExposedPorts, Env, Labels, WorkingDir. */
    public JsonNode config() {
        return config.path("config");
    }

    /** The whole configuration blob, with rootfs.diff_ids and history. */
    public JsonNode configBlob() {
        return config;
    }

    /** The image's name and tag, as {@code podman load} and {@code skopeo} read it from the index. */
    public String referenceName() {
        return index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText();
    }

    /** Every layer's entries, layer by layer, in the manifest's order. */
    public List<List<Entry>> layerEntries() throws IOException {
        List<List<Entry>> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            List<Entry> entries = new ArrayList<>();
            try (TarArchiveInputStream tar = layerTar(layer)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    entries.add(new Entry(strip(e.getName()), e.getMode(), e.getLongUserId(), e.getLongGroupId(),
                            e.isDirectory(), e.isSymbolicLink()));
                }
            }
            layers.add(entries);
        }
        return layers;
    }

    /** The sha256 of each layer uncompressed, to compare with the config's {@code rootfs.diff_ids}. */
    public List<String> layerDiffIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(blob(layer)))) {
                ids.add("sha256:" + sha256(in.readAllBytes()));
            }
        }
        return ids;
    }

    /**
     * Lays the layers out under {@code root} in order, with their modes, symbolic and hard links, as
     * the root file system of a container of this image (whiteouts remove what a lower layer had).
     */
    public void extract(Path root) throws IOException {
        for (JsonNode layer : manifest.path("layers")) {
            try (TarArchiveInputStream tar = layerTar(layer)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String path = strip(e.getName());
                    if (path.isEmpty()) {
                        continue;
                    }
                    Path to = inside(root, path);
                    String name = to.getFileName().toString();
                    if (name.startsWith(".wh.")) {
                        deleteTree(to.resolveSibling(name.substring(4)));
                        continue;
                    }
                    Files.createDirectories(to.getParent());
                    if (e.isDirectory()) {
                        Files.createDirectories(to);
                    } else if (e.isSymbolicLink()) {
                        Files.deleteIfExists(to);
                        Files.createSymbolicLink(to, Path.of(e.getLinkName()));
                        continue;
                    } else if (e.isLink()) {
                        Files.deleteIfExists(to);
                        Files.createLink(to, inside(root, strip(e.getLinkName())));
                        continue;
                    } else {
                        Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.setPosixFilePermissions(to, permissions(e.getMode()));
                }
            }
        }
    }

    private TarArchiveInputStream layerTar(JsonNode layer) throws IOException {
        String type = layer.path("mediaType").asText();
        if (!type.endsWith("tar+gzip")) {
            throw new IllegalStateException("a layer of media type " + type + " (expected a gzip-compressed tar)");
        }
        return new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(blob(layer))));
    }

    /** The blob a descriptor names, checked against the descriptor's digest and size. */
    public byte[] blob(JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        if (!digest.startsWith("sha256:")) {
            throw new IllegalStateException("a descriptor without a sha256 digest: " + descriptor);
        }
        byte[] bytes = require("blobs/sha256/" + digest.substring(7));
        if (!sha256(bytes).equals(digest.substring(7))) {
            throw new IllegalStateException("blob " + digest + " does not match its digest");
        }
        if (bytes.length != descriptor.path("size").asLong()) {
            throw new IllegalStateException("blob " + digest + " has " + bytes.length + " bytes, its descriptor says "
                    + descriptor.path("size"));
        }
        return bytes;
    }

    private byte[] require(String name) {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IllegalStateException("the archive has no " + name + " (it has " + files.keySet() + ")");
        }
        return bytes;
    }

    public String text(String name) {
        return new String(require(name), StandardCharsets.UTF_8);
    }

    private static Path inside(Path root, String path) {
        Path to = root.resolve(path).normalize();
        if (!to.startsWith(root)) {
            throw new IllegalStateException("a layer entry outside the root: " + path);
        }
        return to;
    }

    private static String strip(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        n = n.startsWith("/") ? n.substring(1) : n;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.delete(path);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
