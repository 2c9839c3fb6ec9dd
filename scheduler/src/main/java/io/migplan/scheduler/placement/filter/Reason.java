package io.migplan.scheduler.placement.filter;

/**
 * Why a host cannot take the VM.
 *
 * @param code    stable machine code, e.g. {@code NO_FREE_INSTANCE}
 * @param message a sentence naming host, device and numbers
 * @param tally   the short phrase this reason adds to the summary ("no free nvidia-231");
 *                reasons with the same phrase are counted together
 */
public record Reason(String code, String message, String tally) {
}
