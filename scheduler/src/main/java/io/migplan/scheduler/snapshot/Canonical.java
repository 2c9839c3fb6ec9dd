package io.migplan.scheduler.snapshot;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;

/**
 * One shared instance of each immutable value that many hosts' entries hold alike: a board's
 * capacity model, a type as a parent offers it, what a source reported of a parent, and the short
 * texts they are made of (type ids, boards, driver versions, releases, parent addresses). A fleet
 * of one board model reports the same capacity message from every parent; decoded per report, each
 * came with its own maps and strings, and at thousands of hosts those copies were most of what the
 * snapshot kept alive.
 *
 * <p>Weak: a value is kept only while some entry holds it, so these hold no more than the snapshot
 * itself does, and a value no host reports any more is collected with the last entry holding it.
 * Values are only ever compared by {@code equals} (records, strings and protobuf messages), never
 * by identity.
 */
final class Canonical {

    private static final Interner<String> TEXTS = Interners.newWeakInterner();
    private static final Interner<Capacity> CAPACITIES = Interners.newWeakInterner();
    private static final Interner<TypeView> TYPES = Interners.newWeakInterner();
    private static final Interner<SourceFacts> FACTS = Interners.newWeakInterner();

    private Canonical() {
    }

    /** The shared instance of {@code text}; null stays null. */
    static String text(String text) {
        return text == null ? null : TEXTS.intern(text);
    }

    /** The shared instance of a capacity model. */
    static Capacity capacity(Capacity capacity) {
        return CAPACITIES.intern(capacity);
    }

    /** The shared instance of a type as offered, its texts shared too. */
    static TypeView type(String typeId, String name, int availableInstances, String signature) {
        return TYPES.intern(new TypeView(text(typeId), text(name), availableInstances, text(signature)));
    }

    /** The shared instance of what a source reported of a parent, its texts shared too. */
    static SourceFacts facts(String board, String driver, String driverVersion, String release) {
        return FACTS.intern(new SourceFacts(text(board), text(driver), text(driverVersion), text(release)));
    }
}
