package io.migplan.scheduler.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every refused request must show, whatever it sent: a 4xx in the error shape with a sentence
 * (never a trace, never INTERNAL), and not one row more or less in any table it could write.
 */
public final class Refusals {

    /** Every table a REST or gRPC call could write. */
    public static final List<String> TABLES = List.of("host", "plan", "campaign", "campaign_migration",
            "slot_reservation");

    private Refusals() {
    }

    /** A 4xx with {@code {code, message}}; {@code what} says which request, cut for the failure message. */
    public static void assertRefused(Response r, String what) {
        String shown = what.length() > 120 ? what.substring(0, 120) + "…" : what;
        assertThat(r.statusCode()).as("%s answered %s", shown, r.asString()).isBetween(400, 499);
        if (r.statusCode() == 414) {
            return; // a request line longer than the HTTP server takes: refused before any code of ours runs
        }
        assertThat(r.contentType()).as("%s answered %s", shown, r.asString()).startsWith("application/json");
        assertThat(r.jsonPath().getString("code")).as("%s: the error shape", shown).isNotBlank().isNotEqualTo("INTERNAL");
        assertThat(r.jsonPath().getString("message")).as("%s: a sentence", shown).isNotBlank()
                .doesNotContain("Exception", "\tat ");
    }

    /** Rows per table now: taken before a request, compared after it (other test classes may have left some). */
    public static Map<String, Long> rows(AgroalDataSource ds) {
        Map<String, Long> out = new TreeMap<>();
        TABLES.forEach(t -> out.put(t, Inventory.count(ds, t)));
        return out;
    }

    public static void assertNothingStored(AgroalDataSource ds, Map<String, Long> before) {
        assertThat(rows(ds)).as("rows per table").isEqualTo(before);
    }
}
