package io.cta.cli.definition;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.connection.ConnectionOptions;
import io.cta.cli.http.ApiClient;
import io.cta.cli.http.ApiError;
import io.cta.cli.run.Lookup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code cta apply -f FILE|DIR}: creates or updates suites, configurations and scenarios by name
 * (docs/cli.md "Definitions as code"). Every document is read and every name resolved before
 * anything is written, so a bad document or an ambiguous name changes nothing.
 */
@Command(
    name = "apply",
    description = {
      "Create or update suites, configurations and scenarios from YAML or JSON, by name.",
      "A document is kind: Suite|Configuration|Scenario, name, and the fields of the REST body;"
          + " a scenario names its suite and configuration (suite: NAME, configuration: NAME)."
    })
public final class ApplyCommand implements Callable<Integer> {

  static final YAMLMapper YAML = YAMLMapper.builder().build();

  private final Cli cli;

  @Mixin ConnectionOptions connection;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE|DIR",
      description =
          "A .yaml, .yml or .json file (documents separated by ---), or a directory of them.")
  List<Path> files;

  @Option(names = "--dry-run", description = "Show what would change; change nothing.")
  boolean dryRun;

  ApplyCommand(Cli cli) {
    this.cli = cli;
  }

  /** One document: where it came from, its kind and name, and its REST body without them. */
  record Document(String where, Kind kind, String name, ObjectNode body) {
    String label() {
      return kind.lower() + " '" + name + "'";
    }
  }

  @Override
  public Integer call() {
    List<Document> documents = read();
    ApiClient api = new ApiClient(connection.resolve(cli));
    // Resolve every name first: an ambiguous one refuses the whole apply.
    Map<Document, String> existing = new HashMap<>();
    Map<Kind, Map<String, String>> ids = new EnumMap<>(Kind.class);
    for (Document d : documents) {
      List<JsonNode> matches = Lookup.byName(api, d.kind().collection, d.name());
      if (matches.size() > 1) {
        throw new CliException(
            ExitCode.USAGE,
            d.where()
                + ": "
                + matches.size()
                + " "
                + d.kind().collection
                + " are named '"
                + d.name()
                + "' ("
                + String.join(", ", matches.stream().map(m -> m.get("id").asString()).toList())
                + "): rename or delete all but one");
      }
      if (matches.size() == 1) {
        String id = matches.get(0).get("id").asString();
        existing.put(d, id);
        ids.computeIfAbsent(d.kind(), k -> new HashMap<>()).put(d.name(), id);
      }
    }
    int changed = 0;
    for (Kind kind : Kind.values()) {
      for (Document d : documents) {
        if (d.kind() == kind) {
          changed += apply(api, d, existing.get(d), ids) ? 1 : 0;
        }
      }
    }
    cli.err()
        .println(
            (dryRun ? "dry run: " : "")
                + documents.size()
                + " documents, "
                + changed
                + (dryRun ? " would change" : " changed"));
    return ExitCode.OK.code();
  }

  private boolean apply(ApiClient api, Document d, String id, Map<Kind, Map<String, String>> ids) {
    ObjectNode body = d.body().deepCopy();
    body.put("name", d.name());
    if (d.kind() == Kind.Scenario) {
      reference(api, d, body, "suite", "testSuiteId", Kind.Suite, ids);
      reference(api, d, body, "configuration", "configurationId", Kind.Configuration, ids);
    }
    String base = "/api/v1/" + d.kind().collection;
    try {
      if (id == null) {
        if (dryRun) {
          ids.computeIfAbsent(d.kind(), k -> new HashMap<>())
              .put(d.name(), "(" + d.label() + ", new)");
          cli.out().println(d.label() + ": would be created");
        } else {
          String created = api.post(base, body).get("id").asString();
          ids.computeIfAbsent(d.kind(), k -> new HashMap<>()).put(d.name(), created);
          cli.out().println(d.label() + ": created (" + created + ")");
        }
        return true;
      }
      List<String> changes = Diff.changes(api.get(base + "/" + id), body);
      if (changes.isEmpty()) {
        cli.out().println(d.label() + ": unchanged");
        return false;
      }
      if (!dryRun) {
        api.put(base + "/" + id, body);
      }
      cli.out()
          .println(d.label() + (dryRun ? ": would be updated" : ": updated") + " (" + id + ")");
      changes.forEach(c -> cli.out().println("  " + c));
      return true;
    } catch (ApiError e) {
      throw new CliException(e.exitCode(), d.where() + ": " + d.label() + ": " + e.getMessage(), e);
    }
  }

  /** Replaces a scenario's {@code suite: NAME} by {@code testSuiteId}, likewise configurations. */
  private void reference(
      ApiClient api,
      Document d,
      ObjectNode body,
      String field,
      String idField,
      Kind kind,
      Map<Kind, Map<String, String>> ids) {
    JsonNode named = body.remove(field);
    if (named == null) {
      if (!body.hasNonNull(idField)) {
        throw new CliException(
            ExitCode.USAGE, d.where() + ": " + d.label() + ": give " + field + ": NAME");
      }
      return;
    }
    if (!named.isString() || named.asString().isBlank()) {
      throw new CliException(
          ExitCode.USAGE, d.where() + ": " + d.label() + ": " + field + ": expected a name");
    }
    String id = ids.getOrDefault(kind, Map.of()).get(named.asString());
    if (id == null) {
      id = Lookup.id(api, kind.collection, named.asString(), ExitCode.USAGE);
    }
    body.put(idField, id);
  }

  private List<Document> read() {
    List<Path> all = new ArrayList<>();
    for (Path f : files) {
      if (Files.isDirectory(f)) {
        try (Stream<Path> list = Files.list(f)) {
          list.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().forEach(all::add);
        } catch (IOException e) {
          throw new CliException(ExitCode.USAGE, "-f: cannot read " + f + ": " + e);
        }
      } else {
        all.add(f);
      }
    }
    List<Document> documents = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path file : all) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "-f: cannot read " + file + ": " + e);
      }
      int n = 0;
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
        while (docs.hasNextValue()) {
          JsonNode doc = docs.nextValue();
          n++;
          if (doc == null || doc.isNull() || doc.isMissingNode()) {
            continue;
          }
          String where = file + " (document " + n + ")";
          if (!doc.isObject()) {
            throw new CliException(ExitCode.USAGE, where + ": expected a mapping");
          }
          Kind kind = Kind.of(doc.path("kind").asString(""), where);
          JsonNode name = doc.get("name");
          if (name == null || !name.isString() || name.asString().isBlank()) {
            throw new CliException(ExitCode.USAGE, where + ": name: expected a non-empty string");
          }
          if (!seen.add(kind + "\0" + name.asString())) {
            throw new CliException(
                ExitCode.USAGE,
                where + ": " + kind.lower() + " '" + name.asString() + "' is given twice");
          }
          ObjectNode body = ((ObjectNode) doc).deepCopy();
          body.remove("kind");
          body.remove("name");
          documents.add(new Document(where, kind, name.asString(), body));
        }
      } catch (tools.jackson.core.JacksonException e) {
        throw new CliException(
            ExitCode.USAGE, file + ": not valid YAML or JSON: " + e.getOriginalMessage());
      }
    }
    if (documents.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "-f: no documents found");
    }
    return documents;
  }
}
