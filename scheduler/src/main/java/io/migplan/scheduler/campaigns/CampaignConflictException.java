package io.migplan.scheduler.campaigns;

/**
 * A campaign step that does not fit the campaign's state (resume a running campaign, report a
 * migration that was never issued, start a second campaign over hosts another one is
 * upgrading). Answered 409 with {@code code}; nothing was changed.
 */
public class CampaignConflictException extends RuntimeException {

    private final String code;

    public CampaignConflictException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
