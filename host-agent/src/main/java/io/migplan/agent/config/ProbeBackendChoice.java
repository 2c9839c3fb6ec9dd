package io.migplan.agent.config;

import com.fasterxml.jackson.annotation.JsonValue;

/** The probe backend an agent is configured with; the YAML spelling is {@link #key()}. */
public enum ProbeBackendChoice {
  /** Always ask the type's version attribute (write the source signature to it). */
  VERSION_ATTRIBUTE("version-attribute"),
  /** Always compare signatures of the same type. */
  SAME_SIGNATURE("same-signature"),
  /** The version attribute where the target type has one, otherwise signature comparison. */
  AUTO("auto"),
  /** The declarative vendor rules ({@code probe.RulesProbe}). */
  RULES("rules"),
  /** An external vendor tool ({@code probe.CommandProbe}). */
  COMMAND("command");

  private final String key;

  ProbeBackendChoice(String key) {
    this.key = key;
  }

  @JsonValue
  public String key() {
    return key;
  }
}
