package io.migplan.scheduler.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An operation host agents call (reports, heartbeats): it takes no bearer token, because the caller
 * is the host its client certificate names (mutual TLS), and the host id in the call must be that
 * host. No token role is declared beside it, so no token is asked for; the role table lists it as
 * "host identity (client certificate)".
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HostIdentity {
}
