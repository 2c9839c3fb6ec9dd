package io.migplan.cli.executor.libvirt;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Host URIs as each host's agent reports them ({@code libvirtUri} in {@code GET
 * /api/v1/hosts/{id}}), falling back to a template for a host whose agent reports none (an agent
 * older than the field). A reported URI is taken as is: the agent bounds it and the scheduler
 * checks it has a scheme. Answers are kept for the run, at most {@link #MAX_HOSTS} of them: a
 * host's URI is its libvirt's address and does not change during a campaign.
 */
public final class ReportedHostUris implements HostUris {

    /** Hosts whose URIs are kept; past it each lookup asks the scheduler again. */
    static final int MAX_HOSTS = 20_000;

    private final Function<String, Optional<String>> reported;
    private final HostUris fallback;
    private final Map<String, String> known = new ConcurrentHashMap<>();

    /**
     * @param reported the URI the host's agent reported, empty when it reported none
     * @param fallback the template for such a host
     */
    public ReportedHostUris(Function<String, Optional<String>> reported, HostUris fallback) {
        this.reported = Objects.requireNonNull(reported);
        this.fallback = Objects.requireNonNull(fallback);
    }

    @Override
    public String uriOf(String host) {
        String uri = known.get(host);
        if (uri != null) {
            return uri;
        }
        uri = reported.apply(host).filter(u -> !u.isBlank()).orElseGet(() -> fallback.uriOf(host));
        if (known.size() < MAX_HOSTS) {
            known.put(host, uri);
        }
        return uri;
    }
}
