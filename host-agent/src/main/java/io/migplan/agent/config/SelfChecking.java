package io.migplan.agent.config;

/**
 * A config document, or a section of one, that checks its own values: each field's rule is
 * written once, in the record that holds the field, and a section is checked under the path its
 * document gives it ({@code probes.command.timeout}).
 */
public interface SelfChecking {
  /** Records into {@code checks} every value of this section that breaks a rule; {@code at} is the section's path. */
  void checkInto(FieldChecks checks, String at);
}
