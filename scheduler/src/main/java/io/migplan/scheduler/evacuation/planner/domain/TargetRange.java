package io.migplan.scheduler.evacuation.planner.domain;

import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.optaplanner.core.api.domain.valuerange.CountableValueRange;

/**
 * A VM's eligible targets in the filters' order. Swap moves ask every candidate pair whether
 * each value is in the other VM's range; a list answers that in linear time over thousands of
 * targets, this range in constant time from a bit per target id (a few hundred bytes per VM,
 * where a hash set of thousands of targets per VM would take hundreds of megabytes).
 */
public final class TargetRange implements CountableValueRange<Target> {

    private final List<Target> targets;
    private final BitSet members = new BitSet();

    /** @param targets with distinct ids; a target with id -1 is never reported as contained */
    public TargetRange(List<Target> targets) {
        this.targets = List.copyOf(targets);
        targets.forEach(t -> {
            if (t.id() >= 0) {
                members.set(t.id());
            }
        });
    }

    public List<Target> targets() {
        return targets;
    }

    @Override
    public long getSize() {
        return targets.size();
    }

    @Override
    public Target get(long index) {
        return targets.get((int) index);
    }

    @Override
    public Iterator<Target> createOriginalIterator() {
        return targets.iterator();
    }

    @Override
    public boolean isEmpty() {
        return targets.isEmpty();
    }

    @Override
    public boolean contains(Target value) {
        if (value == null) {
            return false;
        }
        return value.id() >= 0 ? members.get(value.id()) : targets.contains(value);
    }

    @Override
    public Iterator<Target> createRandomIterator(Random random) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !targets.isEmpty();
            }

            @Override
            public Target next() {
                return targets.get(random.nextInt(targets.size()));
            }
        };
    }
}
