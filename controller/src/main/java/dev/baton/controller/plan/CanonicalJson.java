package dev.baton.controller.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One spelling of a JSON value, so that equal content has equal bytes and so an equal digest:
 * object keys sorted, no whitespace, whole numbers without a fraction. Array order is kept (it
 * may matter to the cloud; {@link Canonical} is the place that decides what order does not).
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical text of a JSON value (a JsonObject, JsonArray, Map, List, String, Number, Boolean or null). */
  public static String encode(Object v) {
    return io.vertx.core.json.Json.encode(normal(v));
  }

  /** {@code sha256:} and the hex SHA-256 of the canonical text of {@code v}. */
  public static String digest(Object v) {
    return sha256(encode(v).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code sha256:} and the hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static Object normal(Object v) {
    if (v instanceof JsonObject o) {
      return normal(o.getMap());
    }
    if (v instanceof JsonArray a) {
      return normal(a.getList());
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(k.toString(), normal(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(x -> out.add(normal(x)));
      return out;
    }
    if (v instanceof Number n && !(v instanceof Long)) {
      if (v instanceof Double x && !Double.isFinite(x) || v instanceof Float f && !Float.isFinite(f)) {
        return n.toString();
      }
      // 10, 10L and 10.0 are one number in JSON: a plan read back from its file must digest as written
      BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
      return d.scale() <= 0 && d.toBigInteger().bitLength() < 63 ? (Object) d.longValueExact() : d;
    }
    return v;
  }
}
