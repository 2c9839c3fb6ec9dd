package io.migplan.scheduler.solver.domain;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.optaplanner.core.api.domain.valuerange.CountableValueRange;

/**
 * A VM's eligible targets in the filters' order. Swap moves ask every candidate pair whether
 * each value is in the other VM's range; a list answers that in linear time over thousands of
 * targets, this range in constant time.
 */
public final class TargetRange implements CountableValueRange<Target> {

    private final List<Target> targets;
    private final Set<Target> members;

    public TargetRange(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.members = Collections.newSetFromMap(new IdentityHashMap<>(targets.size() * 2));
        this.members.addAll(targets);
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
        return value != null && members.contains(value);
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
