package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;

/**
 * A campaign step that does not fit the campaign's state (resume a running campaign, report a
 * migration that was never issued, start a second campaign over hosts another one is
 * upgrading): its {@code code} says which; nothing was changed.
 */
public class CampaignConflictException extends RefusalException {
    public CampaignConflictException(String code, String message) {
        super(ErrorKind.CONFLICT, code, message);
    }
}
