/**
 * The scheduler's web console at {@code /console}: server-rendered Qute pages (templates under
 * {@code templates/console/}) with htmx for partial updates and ECharts for charts, both served
 * from webjars, no build step of their own.
 *
 * <p>Shared parts every page uses:
 * <ul>
 * <li>{@link io.migplan.scheduler.console.ConsoleSession}: the session cookie (the caller's own
 * bearer token, HttpOnly, SameSite=Strict, Secure over HTTPS, path {@code /console}) and the CSRF
 * token derived from it;</li>
 * <li>{@link io.migplan.scheduler.console.ConsoleCookies}: turns that cookie into the caller's
 * identity on {@code /console} paths only, with the API's own token check, so
 * {@code @RolesAllowed} with the {@link io.migplan.scheduler.auth.Roles} constants works on pages
 * as on the API;</li>
 * <li>{@link io.migplan.scheduler.console.ConsoleCsrf}: refuses every POST, PUT, PATCH and DELETE
 * under {@code /console} (logging in aside) whose {@code X-Migplan-Csrf} header is not the
 * session's CSRF token;</li>
 * <li>{@link io.migplan.scheduler.console.Frame} and {@code templates/console/layout.html}: the
 * page around every page's content (navigation, who is signed in, the CSRF token for htmx);</li>
 * <li>{@link io.migplan.scheduler.console.ConsoleRefusals}: how a page answers a refusal (sign in
 * again, not allowed, not found). RESTEasy Reactive applies a resource's
 * {@code @ServerExceptionMapper} methods to that resource only when they are declared on the
 * concrete class (on an abstract parent they would become global and take over the API's error
 * answers), so each console resource declares three one-line mappers that call it.</li>
 * </ul>
 * A page is a resource class here with {@code @RolesAllowed(Roles.VIEWER)} on its GETs; an action
 * is a POST with {@code @RolesAllowed(Roles.OPERATOR)} on an {@code @Audited} class, sent by htmx
 * as JSON ({@code hx-ext="json-enc"}, as the API's {@code JsonOnlyChanges} demands of every
 * state-changing call) with the CSRF header the layout adds to every htmx request.
 */
package io.migplan.scheduler.console;
