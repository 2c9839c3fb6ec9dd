package io.migplan.scheduler.console;

/**
 * What the layout around every console page needs ({@code templates/console/layout.html}): the
 * page's title and navigation section, who is signed in, whether they may act (operator or
 * admin: pages show state-changing controls only then), and the session's CSRF token, which the
 * layout hands to htmx for every request.
 *
 * @param section the navigation entry to mark ("fleet", "vms", "compatibility", ...)
 * @param roles   the roles the token was given, as the audit shows them ("operator")
 */
public record Frame(String title, String section, String subject, String roles, boolean operator, String csrf) {
}
