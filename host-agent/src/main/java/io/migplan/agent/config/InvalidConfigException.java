package io.migplan.agent.config;

/**
 * A configuration value that cannot be used. {@link #field()} is the path of the value at fault
 * ({@code port}, {@code probes.command.timeout}, {@code groups[1].vmMix[0].type}), {@link
 * #detail()} what is wrong with it, and the message says both, after where the document came
 * from when it came from a file: {@code agent config /etc/migplan/agent.yaml: port: must be
 * between 0 and 65535, got 70000}.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  /** The field of problems with the document as a whole, such as a YAML syntax error. */
  public static final String DOCUMENT = "(document)";

  private final String field;
  private final String detail;

  /** A problem whose message is already complete. */
  public InvalidConfigException(String field, String message) {
    this(field, message, message);
  }

  private InvalidConfigException(String field, String detail, String message) {
    super(message);
    this.field = field;
    this.detail = detail;
  }

  /** A problem of one field: the message is {@code field: detail}. */
  public static InvalidConfigException of(String field, String detail) {
    return new InvalidConfigException(field, detail, DOCUMENT.equals(field) ? detail : field + ": " + detail);
  }

  /** The same problem, its message preceded by where the document came from. */
  public InvalidConfigException in(String source) {
    return new InvalidConfigException(field, detail, source + ": " + getMessage());
  }

  /** The same problem one level down: {@code probes} makes {@code command.exec} {@code probes.command.exec}. */
  public InvalidConfigException under(String parent) {
    String path = DOCUMENT.equals(field) ? parent : field.startsWith("[") ? parent + field : parent + "." + field;
    return of(path, detail);
  }

  public String field() {
    return field;
  }

  /** What is wrong, without the field. */
  public String detail() {
    return detail;
  }
}
