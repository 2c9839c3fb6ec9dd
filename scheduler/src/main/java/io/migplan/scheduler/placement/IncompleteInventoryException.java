package io.migplan.scheduler.placement;

/**
 * The question cannot be answered from what the hosts reported (e.g. a VM holds an mdev its
 * host did not list). Not a rejection of any host: no host was judged.
 */
public class IncompleteInventoryException extends RuntimeException {
    public IncompleteInventoryException(String message) {
        super(message);
    }
}
