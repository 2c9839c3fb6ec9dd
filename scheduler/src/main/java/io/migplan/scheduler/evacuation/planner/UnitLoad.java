package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.optaplanner.core.api.score.stream.uni.UniConstraintCollector;

/**
 * The new mdevs planned onto one device unit, counted per type, and how many of them the unit
 * cannot hold. Collected incrementally: adding or removing a slot costs one counter change,
 * and the overflow is recomputed only for the unit that changed.
 */
public record UnitLoad(DeviceUnit unit, int[] added, int overflow) {

    /** e.g. "3 nvidia-231, 1 nvidia-230" */
    public String planned() {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < added.length; t++) {
            if (added[t] > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(added[t]).append(' ').append(unit.typeId(t));
            }
        }
        return b.toString();
    }

    static UniConstraintCollector<Slot, Counter, UnitLoad> collector() {
        return new UniConstraintCollector<>() {
            @Override
            public Supplier<Counter> supplier() {
                return Counter::new;
            }

            @Override
            public BiFunction<Counter, Slot, Runnable> accumulator() {
                return (counter, slot) -> {
                    counter.add(slot, 1);
                    return () -> counter.add(slot, -1);
                };
            }

            @Override
            public Function<Counter, UnitLoad> finisher() {
                return Counter::snapshot;
            }
        };
    }

    static final class Counter {
        private DeviceUnit unit;
        private int[] added;

        void add(Slot slot, int delta) {
            if (unit == null) {
                unit = slot.unit();
                added = new int[unit.typeCount()];
            }
            added[slot.typeIndex()] += delta;
        }

        UnitLoad snapshot() {
            return new UnitLoad(unit, added.clone(), unit.overflow(added));
        }
    }
}
