package io.migplan.cli;

import io.migplan.cli.client.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every exit status {@code migplan} returns, in one place: the commands map their outcome here,
 * and {@code migplan --help} lists this table (README.md shows the same). Scripts can tell a
 * refusal (fix the request) from an outage (try again) from a token problem (get another) from a
 * campaign or plan that ended badly.
 */
public enum ExitCode {
    OK(0, "done"),
    REFUSED(1, "the scheduler refused the request (400, 404, 409, 429: the message says why), or its answer"
            + " was not what the API promises (malformed, or larger than the client accepts)"),
    USAGE(2, "wrong command line: unknown command or option, missing or bad value"),
    UNAVAILABLE(3, "the scheduler (or the executor's endpoint) could not be reached, did not answer in time,"
            + " or failed (5xx)"),
    NOT_AUTHORISED(4, "no valid token (401), or the token's role may not make the call (403)"),
    NOT_DONE(5, "a campaign or plan ended other than COMPLETED or READY (FAILED, ABORTED, INFEASIBLE,"
            + " CANCELLED, a DRY_RUN given to run), or a run stopped at its failure limit"),
    INTERRUPTED(130, "interrupted (Ctrl-C) before the campaign ended; in-flight migrations were let finish");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The exit status of a call the scheduler refused or could not answer. */
    public static ExitCode of(ApiException e) {
        int status = e.status();
        if (ApiException.BAD_RESPONSE.equals(e.code())) {
            return REFUSED;
        }
        if (status == 401 || status == 403) {
            return NOT_AUTHORISED;
        }
        if (status == 0 || status >= 500) {
            return UNAVAILABLE;
        }
        return REFUSED;
    }

    /** The table {@code --help} shows, code to meaning, in order. */
    public static Map<String, String> helpList() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ExitCode c : values()) {
            out.put(String.valueOf(c.code), c.meaning);
        }
        return out;
    }
}
