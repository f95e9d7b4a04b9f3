package io.cta.cli.output;

import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Writes one object or a list in the chosen format. {@code json} writes the api's answer as it came
 * (a list keeps its paging envelope); {@code jsonl} writes one compact line per item, for {@code jq
 * -c} and line-based tools; {@code table} writes the given columns.
 */
public final class Output {

  /** A column: its header and the field it shows (a dotted path such as {@code counters.ok}). */
  public record Column(String header, String path) {}

  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final JsonMapper COMPACT = JsonMapper.builder().build();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private Output() {}

  /** A list answer ({@code {items, page, size, total}}) or a bare array. */
  public static void list(PrintStream out, Format format, JsonNode answer, List<Column> columns) {
    JsonNode items = answer.isArray() ? answer : answer.path("items");
    switch (format) {
      case json -> out.println(PRETTY.writeValueAsString(answer));
      case yaml -> out.print(YAML.writeValueAsString(answer));
      case jsonl -> items.forEach(item -> out.println(COMPACT.writeValueAsString(item)));
      case table -> {
        List<List<String>> rows = new ArrayList<>();
        items.forEach(item -> rows.add(row(item, columns)));
        table(out, columns, rows);
        if (answer.has("total") && answer.get("total").asLong() > items.size()) {
          out.println(
              "("
                  + items.size()
                  + " of "
                  + answer.get("total").asLong()
                  + "; --page and --size show more)");
        }
      }
    }
  }

  public static void one(PrintStream out, Format format, JsonNode value, List<Column> columns) {
    switch (format) {
      case json -> out.println(PRETTY.writeValueAsString(value));
      case yaml -> out.print(YAML.writeValueAsString(value));
      case jsonl -> out.println(COMPACT.writeValueAsString(value));
      case table -> table(out, columns, List.of(row(value, columns)));
    }
  }

  /** Refuses a format a command does not offer (yaml is for definitions only). */
  public static void require(Format format, Format... allowed) {
    for (Format f : allowed) {
      if (f == format) {
        return;
      }
    }
    throw new CliException(
        ExitCode.USAGE, "-o " + format + " is not offered here; use " + List.of(allowed));
  }

  public static String field(JsonNode node, String path) {
    JsonNode v = node;
    for (String part : path.split("\\.")) {
      v = v.path(part);
    }
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (v.isContainer()) {
      return COMPACT.writeValueAsString(v);
    }
    return v.asString();
  }

  private static List<String> row(JsonNode item, List<Column> columns) {
    List<String> row = new ArrayList<>();
    for (Column c : columns) {
      row.add(oneLine(field(item, c.path())));
    }
    return row;
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("[\\r\\n\\t]+", " ");
    return flat.length() > 80 ? flat.substring(0, 79) + "…" : flat;
  }

  private static void table(PrintStream out, List<Column> columns, List<List<String>> rows) {
    int[] widths = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      widths[i] = columns.get(i).header().length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    List<String> headers = columns.stream().map(Column::header).toList();
    out.println(line(headers, widths));
    rows.forEach(r -> out.println(line(r, widths)));
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append("  ");
      }
      b.append(cells.get(i));
      if (i < cells.size() - 1) {
        b.append(" ".repeat(widths[i] - cells.get(i).length()));
      }
    }
    return b.toString();
  }
}
