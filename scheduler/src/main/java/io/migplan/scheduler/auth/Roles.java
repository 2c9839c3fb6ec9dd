package io.migplan.scheduler.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The roles a bearer token may carry, as {@code @RolesAllowed} names them on every REST method and
 * gRPC method, and the one rule between them: {@link #ADMIN} may do everything the others may.
 * <ul>
 * <li>{@link #VIEWER}: reads (hosts, VMs, targets, plans, campaigns, previews).</li>
 * <li>{@link #OPERATOR}: admin states, evacuation plans, campaigns create, pause, resume, abort.</li>
 * <li>{@link #ORCHESTRATOR}: the campaign loop: next, done, failed, upgrade-started.</li>
 * <li>{@link #ADMIN}: all of it, and tokens and the audit.</li>
 * </ul>
 * An operator and an orchestrator may read as well (they act on what they read), and an admin may do
 * everything: {@link #implied} is that rule, the only place roles include others. An operation open
 * to {@link #VIEWER} changes nothing; every other one is audited.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ORCHESTRATOR = "orchestrator";
    public static final String ADMIN = "admin";

    /** Every role, in the order the docs list them. */
    public static final List<String> ALL = List.of(VIEWER, OPERATOR, ORCHESTRATOR, ADMIN);

    private Roles() {
    }

    /**
     * The roles {@code held} gives in effect: an admin holds every role, an operator or an
     * orchestrator also the viewer's, a viewer only its own.
     */
    public static Set<String> implied(Set<String> held) {
        Set<String> all = new LinkedHashSet<>(held);
        if (held.contains(ADMIN)) {
            all.addAll(ALL);
        } else if (held.contains(OPERATOR) || held.contains(ORCHESTRATOR)) {
            all.add(VIEWER);
        }
        return all.size() == held.size() ? held : all;
    }

    /**
     * The roles a token was given, from those it holds in effect: {@link #implied}'s additions taken
     * away again ({@code [admin]} for an admin, {@code [operator]} for an operator), as the audit and
     * refusals show them.
     */
    public static Set<String> given(Set<String> effective) {
        if (effective.contains(ADMIN)) {
            return Set.of(ADMIN);
        }
        Set<String> given = new java.util.TreeSet<>(effective);
        if (given.contains(OPERATOR) || given.contains(ORCHESTRATOR)) {
            given.remove(VIEWER);
        }
        return given;
    }

    /** Whether a caller with the roles {@code held} may make a call declared for {@code allowed}. */
    public static boolean permits(Set<String> held, Set<String> allowed) {
        return implied(held).stream().anyMatch(allowed::contains);
    }

    /** Whether an operation declared for {@code allowed} changes state, and so is audited: it is closed to viewers. */
    public static boolean changesState(Set<String> allowed) {
        return !allowed.contains(VIEWER);
    }

    /** The role a token may be made for, as written; null when {@code role} is not one of {@link #ALL}. */
    public static String known(String role) {
        return role != null && ALL.contains(role.strip()) ? role.strip() : null;
    }
}
