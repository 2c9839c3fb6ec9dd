package io.migplan.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads config documents (YAML, and so JSON) into records with Jackson; every problem becomes an
 * {@link InvalidConfigException} naming the field by its path in the document ({@code
 * groups[0].vmMix[1].type}). The records check their own values ({@link FieldChecks}). Unknown keys are refused, numbers are not
 * read as booleans or enum constants, fractions are not cut to whole numbers, and durations are
 * read by {@link Durations}.
 */
public final class ConfigReader {
  /** Built on first use: {@link #copy} is called by records that code builds without any YAML. */
  private static final class Yaml {
    static final YAMLMapper MAPPER =
        YAMLMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(
                new SimpleModule("migplan-config")
                    .addDeserializer(Duration.class, new Durations.Deserializer())
                    .addDeserializer(java.nio.file.Path.class, new PathDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(
                LogicalType.Boolean,
                c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Enum, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .build();
  }

  private ConfigReader() {}

  /** Parses a document; an empty one is an empty mapping. */
  public static JsonNode read(String text) {
    JsonNode node;
    try {
      node = Yaml.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw InvalidConfigException.of(InvalidConfigException.DOCUMENT, "not valid YAML: " + e.getOriginalMessage());
    }
    return node == null || node.isMissingNode() || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
  }

  /** Binds a parsed document (or part of one) to {@code type}; nothing is checked but the shape. */
  public static <T> T bind(JsonNode node, Class<T> type) {
    try {
      return Yaml.MAPPER.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw problem(node, e);
    } catch (JsonProcessingException e) {
      throw InvalidConfigException.of(InvalidConfigException.DOCUMENT, e.getOriginalMessage());
    }
  }

  /** A copy that keeps null elements, so that the checks ({@link FieldChecks}), not the constructor, report them. */
  public static <T> List<T> copy(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }

  /** As {@link #copy(List)}; the order is kept. */
  public static <T> Set<T> copy(Set<T> set) {
    return set == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(set));
  }

  /** As {@link #copy(List)}, sorted by key. */
  public static <K, V> Map<K, V> copy(Map<K, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new TreeMap<>(map));
  }

  private static InvalidConfigException problem(JsonNode root, JsonMappingException e) {
    String field = field(e.getPath());
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      return InvalidConfigException.of(field, "unknown key; known keys here are " + known);
    }
    JsonNode node = root.at(pointer(e.getPath()));
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    if (target == null || node.isMissingNode()) {
      return InvalidConfigException.of(field, "cannot be read: " + e.getOriginalMessage());
    }
    if (isScalar(target)) {
      return InvalidConfigException.of(
          field,
          node.isContainerNode()
              ? "must be a plain value, not a list or mapping"
              : "must be " + expected(target) + ", got '" + node.asText() + "'");
    }
    if (target.isArray() || Collection.class.isAssignableFrom(target)) {
      return InvalidConfigException.of(field, "must be a list");
    }
    return InvalidConfigException.of(
        field, InvalidConfigException.DOCUMENT.equals(field) ? "must be a mapping of keys to values" : "must be a mapping");
  }

  private static String field(List<JsonMappingException.Reference> path) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? InvalidConfigException.DOCUMENT : out.toString();
  }

  private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
    JsonPointer p = JsonPointer.empty();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        p = p.appendProperty(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        p = p.appendIndex(r.getIndex());
      }
    }
    return p;
  }

  private static boolean isScalar(Class<?> type) {
    return type.isPrimitive()
        || type.isEnum()
        || Number.class.isAssignableFrom(type)
        || type == Boolean.class
        || CharSequence.class.isAssignableFrom(type)
        || type == Duration.class
        || java.nio.file.Path.class.isAssignableFrom(type);
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == long.class || type == short.class || type == Integer.class
        || type == Long.class || type == Short.class || type == BigInteger.class) {
      return "a whole number";
    }
    if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> Yaml.MAPPER.convertValue(c, String.class))
              .collect(Collectors.joining(", "));
    }
    if (type == Duration.class) {
      return Durations.EXPECTED;
    }
    if (java.nio.file.Path.class.isAssignableFrom(type)) {
      return "a file path";
    }
    return "a plain value";
  }

  /** Any plain value as written, like {@code Path.of}; Jackson's own reads "a:b" as a URI. */
  private static final class PathDeserializer extends StdScalarDeserializer<java.nio.file.Path> {
    PathDeserializer() {
      super(java.nio.file.Path.class);
    }

    @Override
    public java.nio.file.Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (java.nio.file.Path) ctxt.handleUnexpectedToken(java.nio.file.Path.class, p);
      }
      String text = p.getValueAsString();
      try {
        return java.nio.file.Path.of(text.strip());
      } catch (InvalidPathException e) {
        throw ctxt.weirdStringException(text, java.nio.file.Path.class, e.getMessage());
      }
    }
  }
}
