package io.cta.cli.connection;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Named contexts (a server and a token or token file) in {@code ~/.config/cta/config.yaml}, or
 * {@code $XDG_CONFIG_HOME/cta/config.yaml}, or the file {@code CTA_CONFIG} names. The file holds
 * tokens, so it is written readable by its owner only (0600, in a 0700 directory).
 */
public final class Contexts {

  /** One context; {@code token} and {@code tokenFile} may both be null (then CTA_TOKEN is used). */
  public record Context(String server, String token, String tokenFile) {}

  /** The file's content: the current context's name and every context by name. */
  public record Config(String current, Map<String, Context> contexts) {}

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private final Path file;

  public Contexts(Path file) {
    this.file = file;
  }

  public static Contexts of(Cli cli) {
    String explicit = cli.env().get("CTA_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return new Contexts(Path.of(explicit));
    }
    String xdg = cli.env().get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : cli.home().resolve(".config");
    return new Contexts(base.resolve("cta").resolve("config.yaml"));
  }

  public Path file() {
    return file;
  }

  public Config read() {
    if (!Files.exists(file)) {
      return new Config(null, new TreeMap<>());
    }
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      Map<String, Context> contexts = new TreeMap<>();
      JsonNode all = root.path("contexts");
      for (Map.Entry<String, JsonNode> e : all.properties()) {
        JsonNode c = e.getValue();
        contexts.put(
            e.getKey(), new Context(text(c, "server"), text(c, "token"), text(c, "tokenFile")));
      }
      return new Config(text(root, "current"), contexts);
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot read the contexts file " + file + ": " + e.getMessage(), e);
    }
  }

  public void write(Config config) {
    ObjectNode root = YAML.createObjectNode();
    if (config.current() != null) {
      root.put("current", config.current());
    }
    ObjectNode all = root.putObject("contexts");
    config
        .contexts()
        .forEach(
            (name, c) -> {
              ObjectNode node = all.putObject(name);
              node.put("server", c.server());
              if (c.token() != null) {
                node.put("token", c.token());
              }
              if (c.tokenFile() != null) {
                node.put("tokenFile", c.tokenFile());
              }
            });
    try {
      Path dir = file.toAbsolutePath().getParent();
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      if (!Files.exists(dir)) {
        if (posix) {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      if (posix) {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(tmp, YAML.writeValueAsString(root));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot write the contexts file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }
}
