package io.migplan.scheduler.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.InvalidRequestException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keyset page's rules: limits, cursors that round-trip and cursors refused, naming the parameter. */
class PageRequestTest {

    static Map<String, String> filters(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aPageOfMoreRowsThanTheLimitEndsWithACursorAfterItsLastItem() {
        PageRequest first = PageRequest.of("hosts", 1, filters("state", "UP"), "2", null);
        Page<String> page = first.page(List.of("a", "b", "c"), s -> List.of(s));
        assertThat(page.items()).containsExactly("a", "b");
        PageRequest second = PageRequest.of("hosts", 1, filters("state", "UP"), "2", page.next());
        assertThat(second.first()).isFalse();
        assertThat(second.after(0)).isEqualTo("b");
        assertThat(second.page(List.of("c"), s -> List.of(s))).isEqualTo(new Page<>(List.of("c"), null));
    }

    @Test
    void withoutALimitAPageHoldsTheDefault() {
        assertThat(PageRequest.of("vms", 2, Map.of(), null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
        assertThat(PageRequest.of("vms", 2, Map.of(), " 1000 ", null).limit()).isEqualTo(1000);
        assertThat(PageRequest.asked(null, null)).isFalse();
        assertThat(PageRequest.asked(null, "x")).isTrue();
    }

    @Test
    void aLimitOutsideOneToTheMaximumIsRefusedNamingLimit() {
        for (String bad : List.of("0", "1001", "-1", "1e3", "")) {
            assertThatThrownBy(() -> PageRequest.of("hosts", 1, Map.of(), bad, null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("limit must be a whole number");
        }
    }

    @Test
    void aCursorOfAnotherListOtherFiltersOrNoneMadeHereIsRefusedNamingCursor() {
        String hosts = PageRequest.of("hosts", 1, filters("state", "UP"), "1", null).cursor(List.of("h1"));
        assertThatThrownBy(() -> PageRequest.of("vms", 2, filters("state", "UP"), "1", hosts))
                .hasMessage("cursor was given for the list of hosts, not of vms");
        assertThatThrownBy(() -> PageRequest.of("hosts", 1, filters("state", "DOWN"), "1", hosts))
                .hasMessageStartingWith("cursor was given for other filters (state=UP) than these (state=DOWN)");
        String forged = Base64.getUrlEncoder().encodeToString("{\"l\":\"hosts\",\"k\":[]}".getBytes());
        for (String bad : List.of("%%%", "bm90IGpzb24", forged, "x".repeat(PageRequest.MAX_CURSOR + 1))) {
            assertThatThrownBy(() -> PageRequest.of("hosts", 1, Map.of(), "1", bad))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("cursor is not one this scheduler gave");
        }
    }

    @Test
    void aKeyColumnOfTheWrongKindIsRefusedNamingCursor() {
        PageRequest made = PageRequest.of("campaigns", 2, Map.of(), "1", null);
        PageRequest next = PageRequest.of("campaigns", 2, Map.of(), "1", made.cursor(List.of("yesterday", "c1")));
        assertThatThrownBy(() -> next.afterInstant(0)).hasMessageStartingWith("cursor is not one this scheduler gave");
        assertThatThrownBy(() -> next.afterLong(1)).hasMessageStartingWith("cursor is not one this scheduler gave");
    }

    @Test
    void filtersLeftOutAndFiltersGivenAsNullAreTheSame() {
        String c = PageRequest.of("hosts", 1, filters("state", null), "1", null).cursor(List.of("h1"));
        assertThat(PageRequest.of("hosts", 1, Map.of(), "1", c).after(0)).isEqualTo("h1");
    }
}
