package io.migplan.scheduler.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The "where can this VM move" page's address. */
public final class WhereCanPage {

    private WhereCanPage() {
    }

    /** The page of the VM {@code ref} (UUID or name). */
    public static String href(String ref) {
        return ConsolePaths.ROOT + "/vms/" + URLEncoder.encode(ref, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
