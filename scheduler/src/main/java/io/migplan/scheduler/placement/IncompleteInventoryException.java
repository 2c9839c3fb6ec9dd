package io.migplan.scheduler.placement;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;

/**
 * The question cannot be answered from what the hosts reported (e.g. a VM holds an mdev its
 * host did not list). Not a rejection of any host: no host was judged.
 */
public class IncompleteInventoryException extends RefusalException {
    public IncompleteInventoryException(String message) {
        super(ErrorKind.CONFLICT, "INVENTORY_INCOMPLETE", message);
    }
}
