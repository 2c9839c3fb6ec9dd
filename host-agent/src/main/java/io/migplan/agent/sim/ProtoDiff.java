package io.migplan.agent.sim;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The first field where two protobuf messages of one type differ, as a path a reader can follow
 * ({@code parents[0:3b:00.0].types[nvidia-231].signature}): list elements are named by their key
 * field (address, type id, name, UUID) where they have one, maps by key, in the messages' own field
 * order. Decides nothing about what a difference means.
 */
final class ProtoDiff {
  /** Where they differ and the two values there, each at most a line. */
  record Difference(String field, String expected, String actual) {}

  /** The fields that name a list's elements, tried in this order. */
  private static final List<String> KEYS = List.of("address", "type_id", "name", "uuid", "id");
  private static final int MAX_VALUE = 120;

  private ProtoDiff() {}

  static Optional<Difference> first(Message expected, Message actual) {
    return diff("", expected, actual);
  }

  private static Optional<Difference> diff(String at, Message e, Message a) {
    for (FieldDescriptor f : e.getDescriptorForType().getFields()) {
      String path = at.isEmpty() ? f.getJsonName() : at + "." + f.getJsonName();
      Optional<Difference> d;
      if (f.isMapField()) {
        d = values(path, map(e.getField(f)), map(a.getField(f)));
      } else if (f.isRepeated()) {
        d = list(path, (List<?>) e.getField(f), (List<?>) a.getField(f));
      } else if (f.hasPresence() && e.hasField(f) != a.hasField(f)) {
        d = Optional.of(new Difference(path, e.hasField(f) ? show(e.getField(f)) : "unset",
            a.hasField(f) ? show(a.getField(f)) : "unset"));
      } else {
        d = value(path, e.getField(f), a.getField(f));
      }
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  private static Optional<Difference> list(String path, List<?> e, List<?> a) {
    int n = Math.min(e.size(), a.size());
    for (int i = 0; i < n; i++) {
      Optional<Difference> d = value(path + "[" + key(e.get(i), i) + "]", e.get(i), a.get(i));
      if (d.isPresent()) {
        return d;
      }
    }
    if (e.size() != a.size()) {
      return Optional.of(new Difference(path, e.size() + " entries", a.size() + " entries"));
    }
    return Optional.empty();
  }

  private static Optional<Difference> values(String path, Map<String, Object> e, Map<String, Object> a) {
    for (var entry : e.entrySet()) {
      if (!a.containsKey(entry.getKey())) {
        return Optional.of(new Difference(path + "." + entry.getKey(), show(entry.getValue()), "absent"));
      }
      Optional<Difference> d = value(path + "." + entry.getKey(), entry.getValue(), a.get(entry.getKey()));
      if (d.isPresent()) {
        return d;
      }
    }
    for (var entry : a.entrySet()) {
      if (!e.containsKey(entry.getKey())) {
        return Optional.of(new Difference(path + "." + entry.getKey(), "absent", show(entry.getValue())));
      }
    }
    return Optional.empty();
  }

  private static Optional<Difference> value(String path, Object e, Object a) {
    if (e instanceof Message em && a instanceof Message am) {
      return diff(path, em, am);
    }
    return Objects.equals(e, a) ? Optional.empty() : Optional.of(new Difference(path, show(e), show(a)));
  }

  private static Map<String, Object> map(Object entries) {
    Map<String, Object> out = new TreeMap<>();
    for (Object o : (List<?>) entries) {
      MapEntry<?, ?> entry = (MapEntry<?, ?>) o;
      out.put(String.valueOf(entry.getKey()), entry.getValue());
    }
    return out;
  }

  private static String key(Object element, int index) {
    if (element instanceof Message m) {
      for (String k : KEYS) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(k);
        if (f != null && !f.isRepeated() && f.getType() == FieldDescriptor.Type.STRING) {
          return (String) m.getField(f);
        }
      }
    }
    return Integer.toString(index);
  }

  private static String show(Object value) {
    String s = value instanceof Message m ? m.toString().replace('\n', ' ').strip()
        : value instanceof String str ? "'" + str.replace("\n", "\\n") + "'" : String.valueOf(value);
    return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE) + "...";
  }
}
