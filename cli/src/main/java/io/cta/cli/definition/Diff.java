package io.cta.cli.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What applying a document would change in what the api holds. The api fills in defaults and adds
 * fields of its own (ids, dates, a schedule's next fires), so only the fields the document gives
 * are compared, recursively; numbers compare by value. A webhook's {@code secret} is write-only: it
 * cannot be compared, so a change of the secret alone is not seen (docs/cli.md).
 */
final class Diff {

  private Diff() {}

  /** {@code path: current → wanted} lines; empty when nothing would change. */
  static List<String> changes(JsonNode current, JsonNode wanted) {
    List<String> out = new ArrayList<>();
    compare("", current, wanted, out);
    return out;
  }

  private static void compare(String path, JsonNode current, JsonNode wanted, List<String> out) {
    if (wanted == null || wanted.isNull()) {
      if (current != null && !current.isNull() && !current.isMissingNode()) {
        out.add(path + ": " + show(current) + " → null");
      }
      return;
    }
    if (current == null || current.isMissingNode() || current.isNull()) {
      out.add(path + ": (none) → " + show(wanted));
      return;
    }
    if (wanted.isObject()) {
      if (!current.isObject()) {
        out.add(path + ": " + show(current) + " → " + show(wanted));
        return;
      }
      for (Map.Entry<String, JsonNode> e : wanted.properties()) {
        if (e.getKey().equals("secret") && path.matches("notifications\\[\\d+]")) {
          continue;
        }
        compare(
            path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
            current.get(e.getKey()),
            e.getValue(),
            out);
      }
      return;
    }
    if (wanted.isArray()) {
      if (!current.isArray() || current.size() != wanted.size()) {
        out.add(path + ": " + show(current) + " → " + show(wanted));
        return;
      }
      for (int i = 0; i < wanted.size(); i++) {
        compare(path + "[" + i + "]", current.get(i), wanted.get(i), out);
      }
      return;
    }
    boolean same =
        wanted.isNumber() && current.isNumber()
            ? wanted.decimalValue().compareTo(current.decimalValue()) == 0
            : wanted.isNumber() || current.isNumber()
                ? wanted.asString().equals(current.asString())
                : wanted.equals(current)
                    || (wanted.isString() && current.isString() && sameInstant(wanted, current));
    if (!same) {
      out.add(path + ": " + show(current) + " → " + show(wanted));
    }
  }

  /** The api writes instants in its own form ({@code 2026-01-01T00:00:00Z}). */
  private static boolean sameInstant(JsonNode a, JsonNode b) {
    try {
      return java.time.Instant.parse(a.asString()).equals(java.time.Instant.parse(b.asString()));
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static String show(JsonNode node) {
    String s = node.toString();
    return s.length() > 120 ? s.substring(0, 119) + "…" : s;
  }
}
