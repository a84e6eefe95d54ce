package io.roominvites.testing;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lenient accessors over nimbus' JSON maps (objects are Map&lt;String,Object&gt;, arrays List). */
final class Json {

  private Json() {}

  static Map<String, Object> parseObject(String json) {
    try {
      return JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("Not a JSON object: " + abbreviate(json), e);
    }
  }

  static List<Object> parseArray(String json) {
    try {
      return JSONArrayUtils.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("Not a JSON array: " + abbreviate(json), e);
    }
  }

  static String toJson(Map<String, ?> object) {
    return JSONObjectUtils.toJSONString(object);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    List<Map<String, Object>> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map) {
          out.add((Map<String, Object>) map);
        }
      }
    }
    return out;
  }

  static String string(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    return value == null ? null : value.toString();
  }

  static List<String> strings(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item != null) {
          out.add(item.toString());
        }
      }
    } else if (value != null) {
      out.add(value.toString());
    }
    return out;
  }

  static Long number(Map<String, Object> parent, String key) {
    Object value = parent == null ? null : parent.get(key);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s && !s.isBlank()) {
      try {
        return (long) Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
