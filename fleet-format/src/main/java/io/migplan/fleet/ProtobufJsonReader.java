package io.migplan.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A protobuf message in protobuf's JSON mapping, read from the tokens of an open Jackson parser
 * straight into the message's builder, driven by its descriptor: no JSON tree, no string of it,
 * no second parse. What {@code JsonFormat.parser()} reads, this reads into an equal message: a
 * field by its json_name (lowerCamelCase) or its proto name; 32- and 64-bit integers as JSON
 * numbers or as strings ({@code "12"}, {@code "1e2"}, {@code "1.0"}); floats and doubles also as
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; bools as {@code true}/{@code false} or
 * those words as strings; bytes as base64 (standard or URL-safe); enums by name or number; nested
 * messages, repeated fields and maps; {@code null} for a field meaning the field is not set.
 *
 * <p>Stricter than {@code JsonFormat} where it tolerates what a fleet export never holds: a string
 * field takes only a JSON string (not a number or a bool), and a field given twice (by either of
 * its names) is refused. The well-known types whose JSON forms are their own ({@code Timestamp},
 * {@code Duration}, {@code Any}, {@code Struct}, the wrappers...) are not read: the fleet's messages
 * use none, and reading one field by field would misread it, so a message type holding one is
 * refused (an {@link IllegalArgumentException}) when the reader first meets it, whatever the input.
 *
 * <p>Bad input is refused with an {@link InvalidFleetException} whose {@link
 * InvalidFleetException#field() field} is the path of the value at fault below the root it was
 * given (e.g. {@code inventory.parents[0].kind}) and whose sentence names that path and what was
 * wrong. Bounds on string length and nesting depth are the parser's own.
 */
final class ProtobufJsonReader {

  /** The most characters of a value quoted in a refusal. */
  private static final int QUOTED = 40;
  /** {@code JsonFormat}'s tolerance above the largest float or double, kept so the two agree. */
  private static final double EPSILON = 1e-6;
  private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE).multiply(
      BigDecimal.valueOf(1 + EPSILON));
  private static final BigDecimal MIN_DOUBLE = MAX_DOUBLE.negate();
  private static final BigInteger MAX_UINT32 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  /** Each message type's fields by both of their JSON names, built once per type. */
  private static final Map<Descriptor, Map<String, FieldDescriptor>> NAMES = new ConcurrentHashMap<>();
  /** The types {@code JsonFormat} reads in a JSON form of their own rather than field by field. */
  private static final Set<String> WELL_KNOWN = Set.of("google.protobuf.Any", "google.protobuf.Timestamp",
      "google.protobuf.Duration", "google.protobuf.FieldMask", "google.protobuf.Struct", "google.protobuf.Value",
      "google.protobuf.ListValue", "google.protobuf.NullValue", "google.protobuf.BoolValue",
      "google.protobuf.BytesValue", "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
      "google.protobuf.Int32Value", "google.protobuf.Int64Value", "google.protobuf.StringValue",
      "google.protobuf.UInt32Value", "google.protobuf.UInt64Value");

  private final JsonParser p;
  private final Trail trail;

  private ProtobufJsonReader(JsonParser p, String root) {
    this.p = p;
    this.trail = new Trail(root);
  }

  /**
   * Reads the JSON object at {@code p}'s current token (a {@code START_OBJECT}) into {@code
   * builder}, leaving {@code p} at its {@code END_OBJECT}.
   *
   * @param root how a refusal names the object, e.g. {@code inventory}
   * @throws InvalidFleetException    naming the path of the value that does not fit the message
   * @throws IllegalArgumentException when the message type holds a well-known type
   */
  static void merge(JsonParser p, String root, Message.Builder builder) throws IOException {
    new ProtobufJsonReader(p, root).message(builder, p.currentToken());
  }

  private void message(Message.Builder builder, JsonToken token) throws IOException {
    Descriptor type = builder.getDescriptorForType();
    if (token != JsonToken.START_OBJECT) {
      throw refused(trail + " must be an object (a " + type.getFullName() + "), got " + got(token));
    }
    Map<String, FieldDescriptor> names = names(type);
    boolean[] given = new boolean[type.getFields().size()];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      FieldDescriptor field = names.get(name);
      if (field == null) {
        throw refused(trail.with(FleetReader.escaped(name)), "unknown field '" + FleetReader.escaped(name) + "' in " + trail
            + " (the fields of a " + type.getFullName() + " are " + fieldList(type) + ")");
      }
      trail.field(field.getJsonName());
      if (given[field.getIndex()]) {
        throw refused(trail + " is given twice");
      }
      given[field.getIndex()] = true;
      field(builder, field, p.nextToken());
      trail.pop();
    }
  }

  private void field(Message.Builder builder, FieldDescriptor field, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return;
    }
    if (field.isMapField()) {
      map(builder, field, token);
    } else if (field.isRepeated()) {
      repeated(builder, field, token);
    } else {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && builder.hasOneof(oneof)) {
        throw refused(trail + " cannot be given with " + builder.getOneofFieldDescriptor(oneof).getJsonName()
            + ": only one of " + oneof.getFields().stream().map(FieldDescriptor::getJsonName)
                .collect(Collectors.joining(", ")) + " may be");
      }
      builder.setField(field, value(builder, field, token));
    }
  }

  private void repeated(Message.Builder builder, FieldDescriptor field, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw refused(trail + " must be a list, got " + got(token));
    }
    int index = 0;
    for (JsonToken element = p.nextToken(); element != JsonToken.END_ARRAY; element = p.nextToken()) {
      trail.index(index++);
      if (element == JsonToken.VALUE_NULL) {
        throw refused(trail + " is null; a list's elements cannot be");
      }
      builder.addRepeatedField(field, value(builder, field, element));
      trail.pop();
    }
  }

  private void map(Message.Builder builder, FieldDescriptor field, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw refused(trail + " must be an object (a map), got " + got(token));
    }
    Descriptor entry = field.getMessageType();
    FieldDescriptor keyField = entry.findFieldByNumber(1);
    FieldDescriptor valueField = entry.findFieldByNumber(2);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      trail.key(key);
      Message.Builder pair = builder.newBuilderForField(field);
      pair.setField(keyField, mapKey(keyField, key));
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        throw refused(trail + " is null; a map's values cannot be");
      }
      pair.setField(valueField, value(pair, valueField, value));
      builder.addRepeatedField(field, pair.buildPartial());
      trail.pop();
    }
  }

  /** One value of {@code field} (one element of a repeated one), at {@code token}. */
  private Object value(Message.Builder owner, FieldDescriptor field, JsonToken token) throws IOException {
    return switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> (int) whole(token, "an int32", Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64, SINT64, SFIXED64 -> whole(token, "an int64", Long.MIN_VALUE, Long.MAX_VALUE);
      case UINT32, FIXED32 -> (int) unsigned(token, "a uint32", MAX_UINT32);
      case UINT64, FIXED64 -> unsigned(token, "a uint64", MAX_UINT64);
      case FLOAT -> floatValue(token);
      case DOUBLE -> doubleValue(token);
      case BOOL -> bool(token);
      case STRING -> string(token);
      case BYTES -> bytes(token);
      case ENUM -> enumValue(field.getEnumType(), token);
      case MESSAGE, GROUP -> {
        Message.Builder nested = owner.newBuilderForField(field);
        message(nested, token);
        yield nested.buildPartial(); // a missing proto2 required field is the caller's build() to refuse
      }
    };
  }

  /** A map's key, which JSON always writes as a string: read as its key field's type reads a string. */
  private Object mapKey(FieldDescriptor keyField, String key) {
    return switch (keyField.getType()) {
      case STRING -> key;
      case BOOL -> switch (key) {
        case "true" -> true;
        case "false" -> false;
        default -> throw refused(trail + " must be a key true or false");
      };
      case INT32, SINT32, SFIXED32 -> (int) wholeOf(key, "an int32", Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64, SINT64, SFIXED64 -> wholeOf(key, "an int64", Long.MIN_VALUE, Long.MAX_VALUE);
      case UINT32, FIXED32 -> (int) unsignedOf(key, "a uint32", MAX_UINT32);
      case UINT64, FIXED64 -> unsignedOf(key, "a uint64", MAX_UINT64);
      default -> throw new IllegalArgumentException("a map key of type " + keyField.getType() + " is not protobuf");
    };
  }

  /** A signed whole number in {@code min..max}: the parser's own when it is one, else from its text. */
  private long whole(JsonToken token, String what, long min, long max) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = p.getNumberType();
      if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
        long value = p.getLongValue();
        if (value >= min && value <= max) {
          return value;
        }
      }
    }
    return wholeOf(numberText(token, what), what, min, max);
  }

  /**
   * {@code text} as a whole number in {@code min..max}, as {@code JsonFormat} reads one: decimal
   * digits, or any decimal that is whole ({@code 1e2}, {@code 1.0}).
   */
  private long wholeOf(String text, String what, long min, long max) {
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      BigInteger value = exactWhole(text);
      if (value != null && value.bitLength() < 64 && value.longValue() >= min && value.longValue() <= max) {
        return value.longValue();
      }
    }
    throw refused(trail + " must be " + what + " number, got " + quoted(text));
  }

  private long unsigned(JsonToken token, String what, BigInteger max) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      int value = p.getIntValue();
      if (value >= 0) {
        return value;
      }
    }
    return unsignedOf(numberText(token, what), what, max);
  }

  /** {@code text} as a whole number in {@code 0..max}, its bits as a long (a uint64 above 2^63 is negative). */
  private long unsignedOf(String text, String what, BigInteger max) {
    BigInteger value = exactWhole(text);
    if (value == null || value.signum() < 0 || value.compareTo(max) > 0) {
      throw refused(trail + " must be " + what + " number, got " + quoted(text));
    }
    return value.longValue();
  }

  private static BigInteger exactWhole(String text) {
    try {
      return new BigDecimal(text).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private float floatValue(JsonToken token) throws IOException {
    String text = numberText(token, "a float");
    switch (text) {
      case "NaN" -> {
        return Float.NaN;
      }
      case "Infinity" -> {
        return Float.POSITIVE_INFINITY;
      }
      case "-Infinity" -> {
        return Float.NEGATIVE_INFINITY;
      }
      default -> {
        double value;
        try {
          value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw refused(trail + " must be a float number, got " + quoted(text));
        }
        if (value > Float.MAX_VALUE * (1.0 + EPSILON) || value < -Float.MAX_VALUE * (1.0 + EPSILON)) {
          throw refused(trail + " is out of a float's range: " + quoted(text));
        }
        return (float) value;
      }
    }
  }

  private double doubleValue(JsonToken token) throws IOException {
    String text = numberText(token, "a double");
    switch (text) {
      case "NaN" -> {
        return Double.NaN;
      }
      case "Infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        BigDecimal value;
        try {
          value = new BigDecimal(text);
        } catch (NumberFormatException e) {
          throw refused(trail + " must be a double number, got " + quoted(text));
        }
        if (value.compareTo(MAX_DOUBLE) > 0 || value.compareTo(MIN_DOUBLE) < 0) {
          throw refused(trail + " is out of a double's range: " + quoted(text));
        }
        return value.doubleValue();
      }
    }
  }

  private boolean bool(JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_STRING && p.getText().equals("true")) {
      return true;
    }
    if (token == JsonToken.VALUE_FALSE || token == JsonToken.VALUE_STRING && p.getText().equals("false")) {
      return false;
    }
    throw refused(trail + " must be true or false, got " + got(token));
  }

  private String string(JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw refused(trail + " must be a string, got " + got(token));
    }
    return p.getText();
  }

  private ByteString bytes(JsonToken token) throws IOException {
    String text = string(token);
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      try {
        return ByteString.copyFrom(Base64.getUrlDecoder().decode(text));
      } catch (IllegalArgumentException notUrl) {
        throw refused(trail + " must be base64, got " + quoted(text));
      }
    }
  }

  /** An enum value by name, or by number (a JSON number or a string of one); an open enum keeps a number it does not name. */
  private EnumValueDescriptor enumValue(EnumDescriptor type, JsonToken token) throws IOException {
    String text = numberText(token, "a " + type.getFullName() + " name or");
    EnumValueDescriptor value = token == JsonToken.VALUE_STRING ? type.findValueByName(text) : null;
    if (value == null) {
      Long number = null;
      try {
        number = Long.parseLong(text);
      } catch (NumberFormatException e) {
        BigInteger whole = exactWhole(text);
        number = whole == null || whole.bitLength() >= 32 ? null : whole.longValue();
      }
      if (number != null && number == number.intValue()) {
        value = type.isClosed() ? type.findValueByNumber(number.intValue())
            : type.findValueByNumberCreatingIfUnknown(number.intValue());
      }
    }
    if (value == null) {
      throw refused(trail + ": " + quoted(text) + " is not a value of " + type.getFullName() + " (" + type.getValues()
          .stream().map(EnumValueDescriptor::getName).collect(Collectors.joining(", ")) + ")");
    }
    return value;
  }

  /** The text of a number, or of a string that may hold one; anything else is refused as not {@code what}. */
  private String numberText(JsonToken token, String what) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT
        || token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw refused(trail + " must be " + what + " number, got " + got(token));
  }

  /** What a refusal says was found at {@code token}. */
  private String got(JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> quoted(p.getText());
      default -> p.getText();
    };
  }

  /** {@code text} quoted for a refusal: escaped, and cut after {@value #QUOTED} characters. */
  private static String quoted(String text) {
    String cut = text.length() > QUOTED ? text.substring(0, QUOTED) + "…" : text;
    return "\"" + FleetReader.escaped(cut) + "\"";
  }

  private InvalidFleetException refused(String sentence) {
    return refused(trail.toString(), sentence);
  }

  private static InvalidFleetException refused(String field, String sentence) {
    return new InvalidFleetException(field, sentence);
  }

  /** {@code type}'s fields by json_name and by proto name, as {@code JsonFormat} accepts either. */
  private static Map<String, FieldDescriptor> names(Descriptor type) {
    Map<String, FieldDescriptor> names = NAMES.get(type);
    if (names == null) {
      names = NAMES.computeIfAbsent(type, ProtobufJsonReader::namesOf);
    }
    return names;
  }

  private static Map<String, FieldDescriptor> namesOf(Descriptor type) {
    refuseWellKnown(type.getFullName());
    Map<String, FieldDescriptor> names = new HashMap<>();
    for (FieldDescriptor field : type.getFields()) {
      names.put(field.getName(), field);
      names.put(field.getJsonName(), field);
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        refuseWellKnown(field.getMessageType().getFullName());
      } else if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        refuseWellKnown(field.getEnumType().getFullName());
      }
    }
    return Map.copyOf(names);
  }

  /** The well-known types have JSON forms of their own (a Timestamp is a string): not read here. */
  private static void refuseWellKnown(String type) {
    if (WELL_KNOWN.contains(type)) {
      throw new IllegalArgumentException(type + " is a well-known type, whose JSON form this reader does not read");
    }
  }

  private static String fieldList(Descriptor type) {
    return type.getFields().stream().map(FieldDescriptor::getJsonName).collect(Collectors.joining(", "));
  }

  /**
   * Where the reader is, for a refusal: the root, then fields, list indexes and map keys, e.g.
   * {@code inventory.parents[0].capacity.demand["nvidia-231"]}. Kept as steps and written out only
   * when a refusal needs it.
   */
  private static final class Trail {
    private static final int FIELD = -1;
    private static final int KEY = -2;
    private final String root;
    private String[] names = new String[16];
    private int[] indexes = new int[16];
    private int size;

    Trail(String root) {
      this.root = root;
    }

    void field(String name) {
      push(name, FIELD);
    }

    void index(int index) {
      push(null, index);
    }

    void key(String key) {
      push(key, KEY);
    }

    void pop() {
      size--;
    }

    /** This trail and one more field, written out. */
    String with(String name) {
      return this + "." + name;
    }

    private void push(String name, int index) {
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        indexes = Arrays.copyOf(indexes, size * 2);
      }
      names[size] = name;
      indexes[size] = index;
      size++;
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(root);
      for (int i = 0; i < size; i++) {
        switch (indexes[i]) {
          case FIELD -> out.append('.').append(names[i]);
          case KEY -> out.append("[\"").append(FleetReader.escaped(names[i])).append("\"]");
          default -> out.append('[').append(indexes[i]).append(']');
        }
      }
      return out.toString();
    }
  }
}
