package io.cta.cli.connection;

import io.cta.cli.Cli;
import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The connection options every command that calls the api takes. A flag wins over the environment
 * ({@code CTA_API_URL}, {@code CTA_TOKEN}), which wins over the context (docs/cli.md "Connecting").
 * {@code CTA_SERVER} is the agent's consumer URL and is deliberately not read.
 */
public final class ConnectionOptions {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "The api's base URL (else CTA_API_URL, the context, " + DEFAULT_SERVER + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "The bearer token (else --token-file, CTA_TOKEN, the context).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the bearer token.")
  Path tokenFile;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "Use this context instead of the current one.")
  String context;

  public Connection resolve(Cli cli) {
    // The contexts file is read only when a flag or the environment leaves something unset, so a
    // damaged file never stands in the way of a fully configured CI job.
    boolean needed =
        context != null
            || firstOf(server, cli.env().get("CTA_API_URL")) == null
            || (token == null && tokenFile == null && firstOf(cli.env().get("CTA_TOKEN")) == null);
    Contexts.Context ctx = needed ? context(cli) : null;
    String url = firstOf(server, cli.env().get("CTA_API_URL"), ctx == null ? null : ctx.server());
    if (url == null) {
      url = DEFAULT_SERVER;
    }
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--server: '" + url + "' is not a URL");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new CliException(
          ExitCode.USAGE, "--server: '" + url + "' is not an http:// or https:// URL");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
      throw new CliException(
          ExitCode.USAGE,
          "--server: give the token with --token-file or CTA_TOKEN, not in the URL");
    }
    return new Connection(uri, token(cli, ctx));
  }

  private String token(Cli cli, Contexts.Context ctx) {
    if (token != null && tokenFile != null) {
      throw new CliException(ExitCode.USAGE, "give either --token or --token-file, not both");
    }
    if (token != null) {
      return checked(token, "--token");
    }
    if (tokenFile != null) {
      return readToken(tokenFile, "--token-file");
    }
    String env = cli.env().get("CTA_TOKEN");
    if (env != null && !env.isBlank()) {
      return checked(env, "CTA_TOKEN");
    }
    if (ctx != null && ctx.token() != null) {
      return checked(ctx.token(), "the context's token");
    }
    if (ctx != null && ctx.tokenFile() != null) {
      return readToken(Path.of(ctx.tokenFile()), "the context's token file");
    }
    throw new CliException(
        ExitCode.AUTH,
        "no token: give --token-file FILE, set CTA_TOKEN, or add a context (cta context add)");
  }

  private Contexts.Context context(Cli cli) {
    Contexts.Config config = Contexts.of(cli).read();
    String name = context != null ? context : config.current();
    if (name == null) {
      return null;
    }
    Contexts.Context ctx = config.contexts().get(name);
    if (ctx == null && context != null) {
      throw new CliException(ExitCode.USAGE, "--context: no context named '" + name + "'");
    }
    return ctx;
  }

  private static String readToken(Path file, String what) {
    try {
      return checked(Files.readString(file), what);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, what + ": cannot read " + file + ": " + e);
    }
  }

  /** A token goes into an HTTP header: refuse what would break it, without quoting it. */
  private static String checked(String raw, String what) {
    String t = raw.strip();
    if (t.isEmpty() || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new CliException(
          ExitCode.USAGE, what + ": the token is empty or holds spaces or control characters");
    }
    return t;
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }
}
