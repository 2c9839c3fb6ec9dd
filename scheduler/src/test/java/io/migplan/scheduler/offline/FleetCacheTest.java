package io.migplan.scheduler.offline;

import static io.migplan.scheduler.offline.FleetDocumentTest.NOW;
import static io.migplan.scheduler.offline.FleetDocumentTest.doc;
import static io.migplan.scheduler.offline.FleetDocumentTest.host;
import static io.migplan.scheduler.offline.FleetDocumentTest.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a fleet file's cache beside it stands for the file, and when it is ignored and replaced. */
class FleetCacheTest {

    @TempDir
    Path dir;

    /** Two hosts, one with a VM, and host h1's verdict: the fields a cache must carry. */
    static final String FLEET = doc(FleetRowsTest.GPU_HOST, host("h2", "", ",\"vms\":[" + vm("vm-9", "u-9") + "]"));

    Path file(String json) throws Exception {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void aFileReadOnceIsCachedBesideItAndReadBackAsTheSameDocument() throws Exception {
        Path file = file(FLEET);

        FleetDocument first = FleetCache.read(file, NOW);

        assertThat(FleetCache.of(file)).isRegularFile().hasFileName("fleet.json" + FleetCache.SUFFIX);
        FleetDocument cached = FleetCache.load(FleetCache.of(file), key(file));
        assertThat(cached).as("the cache holds the document").isEqualTo(first)
                .isEqualTo(FleetDocument.parse(FLEET, NOW));
        assertThat(cached.hosts().get(0).verdicts()).isNotEmpty();
        assertThat(FleetCache.read(file, NOW)).isEqualTo(first);
    }

    @Test
    void theCacheIsWhatASecondReadingReturnsWithoutTheFileBeingParsed() throws Exception {
        Path file = file(FLEET);
        FleetCache.read(file, NOW);
        // A cache written for this very file but holding another document: only a reading from it returns that.
        FleetDocument other = FleetDocument.parse(doc(host("h9", "", "")), NOW);
        assertThat(FleetCache.store(FleetCache.of(file), key(file), other)).isTrue();

        assertThat(FleetCache.read(file, NOW)).isEqualTo(other);
    }

    @Test
    void aFileChangedWithoutItsSizeOrTimeChangingIsReadAgainAndItsCacheReplaced() throws Exception {
        Path file = file(FLEET);
        FleetCache.read(file, NOW);
        FileTime time = Files.getLastModifiedTime(file);
        String edited = FLEET.replace("\"h2\"", "\"h3\"");
        Files.writeString(file, edited);
        Files.setLastModifiedTime(file, time);

        FleetDocument doc = FleetCache.read(file, NOW);

        assertThat(doc.hosts()).extracting(FleetDocument.Host::id).containsExactly("h1", "h3");
        assertThat(FleetCache.load(FleetCache.of(file), key(file))).isEqualTo(doc);
    }

    @Test
    void aCacheOfAnotherBuildIsIgnored() throws Exception {
        Path file = file(FLEET);
        FleetCache.Key key = key(file);
        FleetCache.store(FleetCache.of(file), new FleetCache.Key(key.size(), key.modifiedMillis(), key.crc32c(),
                "another-build"), FleetDocument.parse(doc(host("h9", "", "")), NOW));

        assertThat(FleetCache.load(FleetCache.of(file), key)).isNull();
        assertThat(FleetCache.read(file, NOW).hosts()).extracting(FleetDocument.Host::id).containsExactly("h1", "h2");
    }

    @Test
    void aTruncatedOrForeignCacheIsIgnoredAndReplaced() throws Exception {
        Path file = file(FLEET);
        FleetDocument doc = FleetCache.read(file, NOW);
        Path cache = FleetCache.of(file);
        byte[] whole = Files.readAllBytes(cache);
        Files.write(cache, Arrays.copyOf(whole, whole.length - 5));

        assertThat(FleetCache.load(cache, key(file))).isNull();
        assertThat(FleetCache.read(file, NOW)).isEqualTo(doc);
        assertThat(Files.readAllBytes(cache)).isEqualTo(whole);

        Files.writeString(cache, "not a cache");
        assertThat(FleetCache.read(file, NOW)).isEqualTo(doc);
        assertThat(Files.readAllBytes(cache)).isEqualTo(whole);
    }

    @Test
    void aRefusedFileIsRefusedAsWithoutACacheAndNoCacheIsWritten() throws Exception {
        Path file = file(doc(host("h1", "", ""), host("h1", "", "")));

        assertThatThrownBy(() -> FleetCache.read(file, NOW)).isInstanceOf(FleetDocument.InvalidFleetException.class)
                .hasMessageContaining("host h1 is listed twice");
        assertThat(FleetCache.of(file)).doesNotExist();
    }

    @Test
    void aFolderThatCannotTakeTheCacheStillGetsTheDocument() throws Exception {
        Path file = file(FLEET);
        // A folder where the cache should be: it cannot be replaced by a file.
        Files.createDirectory(FleetCache.of(file));
        Files.writeString(FleetCache.of(file).resolve("x"), "x");

        assertThat(FleetCache.read(file, NOW)).isEqualTo(FleetDocument.parse(FLEET, NOW));
        assertThat(FleetCache.of(file)).isDirectory();
        try (var left = Files.list(dir)) {
            assertThat(left).as("no half-written cache is left").hasSize(2);
        }
    }

    private static FleetCache.Key key(Path file) throws Exception {
        return new FleetCache.Key(Files.size(file), Files.getLastModifiedTime(file).toMillis(), FleetCache.digest(file),
                FleetCache.build());
    }
}
