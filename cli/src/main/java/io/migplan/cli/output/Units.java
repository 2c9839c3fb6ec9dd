package io.migplan.cli.output;

import java.time.Duration;

/** How text output writes sizes and durations, the same in every command. */
public final class Units {

    private Units() {
    }

    /** Memory given in MiB: {@code 512 MiB}, {@code 16 GiB}, {@code 1.5 TiB}. */
    public static String mib(long mib) {
        if (mib < 1024) {
            return mib + " MiB";
        }
        double gib = mib / 1024.0;
        if (gib < 1024) {
            return trim(gib) + " GiB";
        }
        return trim(gib / 1024.0) + " TiB";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** A duration as a person reads it: {@code 45s}, {@code 3m05s}, {@code 2h07m}. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
