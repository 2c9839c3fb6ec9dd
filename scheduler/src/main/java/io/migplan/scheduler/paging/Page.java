package io.migplan.scheduler.paging;

import java.util.List;

/**
 * One page of a list: its items in the list's order, and the cursor that asks for the rest ({@code
 * null} on the last page).
 */
public record Page<T>(List<T> items, String next) {
}
