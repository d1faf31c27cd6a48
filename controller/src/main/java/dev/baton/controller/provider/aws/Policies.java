package dev.baton.controller.provider.aws;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** IAM policy documents and the definitions' statements. */
final class Policies {
  private Policies() {}

  static String document(Object statements) {
    JsonArray st = new JsonArray();
    if (statements instanceof List<?> l) {
      for (Object o : l) {
        Map<?, ?> s = (Map<?, ?>) o;
        JsonObject j = new JsonObject();
        if (s.get("sid") != null) {
          j.put("Sid", s.get("sid").toString());
        }
        j.put("Effect", "deny".equals(String.valueOf(s.get("effect"))) ? "Deny" : "Allow");
        j.put("Action", new JsonArray(new ArrayList<>((List<?>) s.get("actions"))));
        j.put("Resource", new JsonArray(new ArrayList<>((List<?>) s.get("resources"))));
        if (s.get("condition") instanceof Map<?, ?> c) {
          Map<String, Object> cond = new LinkedHashMap<>();
          c.forEach((k, v) -> cond.put(k.toString(), v));
          j.put("Condition", new JsonObject(cond));
        }
        st.add(j);
      }
    }
    return new JsonObject().put("Version", "2012-10-17").put("Statement", st).encode();
  }

  static List<Object> statements(String document) {
    List<Object> out = new ArrayList<>();
    Object st = new JsonObject(document).getValue("Statement");
    JsonArray list = st instanceof JsonArray a ? a : new JsonArray().add(st);
    for (Object o : list) {
      JsonObject j = (JsonObject) o;
      Map<String, Object> s = new LinkedHashMap<>();
      if (j.getString("Sid") != null && !j.getString("Sid").isEmpty()) {
        s.put("sid", j.getString("Sid"));
      }
      s.put("effect", j.getString("Effect", "Allow").toLowerCase(java.util.Locale.ROOT));
      s.put("actions", strings(j.getValue("Action")));
      s.put("resources", strings(j.getValue("Resource")));
      if (j.getJsonObject("Condition") != null) {
        s.put("condition", j.getJsonObject("Condition").getMap());
      }
      out.add(s);
    }
    return out;
  }

  static String trust(Object services) {
    JsonArray svc = new JsonArray();
    if (services instanceof List<?> l) {
      l.forEach(x -> svc.add(x.toString()));
    }
    return new JsonObject().put("Version", "2012-10-17").put("Statement", new JsonArray().add(new JsonObject()
        .put("Effect", "Allow").put("Principal", new JsonObject().put("Service", svc)).put("Action", "sts:AssumeRole")))
        .encode();
  }

  static List<Object> trustedServices(String document) {
    List<Object> out = new ArrayList<>();
    Object st = new JsonObject(document).getValue("Statement");
    JsonArray list = st instanceof JsonArray a ? a : new JsonArray().add(st);
    for (Object o : list) {
      JsonObject p = ((JsonObject) o).getJsonObject("Principal");
      if (p != null) {
        out.addAll(strings(p.getValue("Service")));
      }
    }
    return out;
  }

  private static List<Object> strings(Object v) {
    if (v instanceof JsonArray a) {
      return new ArrayList<>(a.getList());
    }
    return v == null ? List.of() : List.of(v.toString());
  }
}
