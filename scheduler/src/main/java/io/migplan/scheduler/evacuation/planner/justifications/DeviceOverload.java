package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/**
 * New mdevs that a device unit cannot hold under its vendor rule.
 *
 * @param unit    the unit as described by the capacity model, e.g. "0000:3b:00.0 (equal-size, locked to 2048 MiB, 6 in use)"
 * @param planned what is planned in, e.g. "3 nvidia-231"
 */
public record DeviceOverload(String host, String unit, String planned, int over) implements ConstraintJustification {

    public String message() {
        return "host " + host + ": " + over + " mdev(s) over what " + unit + " can hold (planned in: " + planned + ")";
    }
}
