package io.migplan.cli.executor.libvirt;

import java.util.regex.Pattern;

/**
 * Gives the libvirt connection URI of a host by its name, as the scheduler names hosts. Today a
 * template ({@code --libvirt-uri-template}, default {@value #DEFAULT_TEMPLATE}); this is also the
 * seam for the URI each host's agent will report in its inventory: an implementation that looks a
 * host up there drops in here, and nothing else in the executor changes.
 */
@FunctionalInterface
public interface HostUris {
    /** libvirtd (or virtqemud) over TLS on the host's name: libvirt's usual remote transport between hosts. */
    String DEFAULT_TEMPLATE = "qemu+tls://{host}/system";
    /** The placeholder a template must hold. */
    String PLACEHOLDER = "{host}";

    /**
     * A host name that is safe to put into a URI's authority: a DNS name or an IPv4 address. Nothing
     * that could add a path, a query, credentials or a second host ('/', '?', '@', ...).
     */
    Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252}[A-Za-z0-9])?");

    /**
     * The URI to reach {@code host}'s libvirt with.
     *
     * @throws IllegalArgumentException with a sentence when the host cannot be named in a URI
     */
    String uriOf(String host);

    /**
     * URIs made by putting the host's name in place of {@value #PLACEHOLDER} in {@code template}, e.g.
     * {@code qemu+ssh://root@{host}/system}.
     *
     * @throws IllegalArgumentException naming the template when it has no {@value #PLACEHOLDER}
     */
    static HostUris template(String template) {
        if (template == null || !template.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("--libvirt-uri-template '" + template + "' has no " + PLACEHOLDER
                    + " for the host's name, e.g. " + DEFAULT_TEMPLATE);
        }
        return host -> {
            if (host == null || !HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("host '" + host + "' cannot be put into a libvirt URI: a host"
                        + " name has letters, digits, '.', '-' and '_' only");
            }
            return template.replace(PLACEHOLDER, host);
        };
    }
}
