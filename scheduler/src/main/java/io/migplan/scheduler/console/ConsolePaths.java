package io.migplan.scheduler.console;

/** Where the console lives, and the one test of whether a request path is the console's. */
public final class ConsolePaths {

    /** The console's root; the session cookie is sent for this path and below only. */
    public static final String ROOT = "/console";
    public static final String LOGIN = ROOT + "/login";
    public static final String LOGOUT = ROOT + "/logout";
    public static final String FLEET = ROOT + "/fleet";

    private ConsolePaths() {
    }

    /** Whether {@code path} (as the server normalized it) is the console's: {@code /console} or below it. */
    public static boolean isConsole(String path) {
        return path != null && (path.equals(ROOT) || path.startsWith(ROOT + "/"));
    }

    /**
     * Where to go after signing in: {@code then} when it is a console page of this server (a path under
     * {@code /console}, no scheme, host, backslash or dot segment, which a browser would resolve out of
     * it), else the fleet. Keeps the login page from
     * sending a browser to another site.
     */
    public static String afterLogin(String then) {
        if (then == null || !isConsole(then) || then.startsWith(LOGIN) || then.startsWith(LOGOUT)
                || then.contains("//") || then.contains("\\") || then.contains("..")
                || then.toLowerCase(java.util.Locale.ROOT).contains("%2e") || then.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            return FLEET;
        }
        return then;
    }
}
