package io.migplan.fleet;

/**
 * A fleet file that cannot be used: the sentence names the host (when one is at fault) and the
 * field. Each reader's own refusals extend it, so a caller may catch either.
 */
public class InvalidFleetException extends IllegalArgumentException {
  private final String field;

  public InvalidFleetException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The path of the value at fault, e.g. {@code hosts[3].inventory.vms[0].uuid}; empty for the whole file. */
  public String field() {
    return field;
  }
}
