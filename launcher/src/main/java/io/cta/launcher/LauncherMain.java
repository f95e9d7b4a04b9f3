package io.cta.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one command of the embedded default: starts the infrastructure, the consumer, the api and a
 * local agent as separate processes, runs the demo, prints where everything is, and keeps running
 * until interrupted (Ctrl-C or SIGTERM), when it stops everything cleanly.
 *
 * <p>Options: {@code --no-demo}, {@code --exit-after-demo}, {@code --temporal test|dev}.
 * Environment: {@code CTA_PORT} (8080), {@code CTA_CONSUMER_PORT} (8081), {@code CTA_TEMPORAL_PORT}
 * (7233), {@code CTA_MONGO_PORT} (27017), {@code CTA_DATA_DIR} (~/.cta), {@code CTA_ADMIN_TOKEN},
 * {@code CTA_AGENT_NAME}, {@code CTA_TEMPORAL} (test), {@code CTA_TEMPORAL_UI_PORT} (8233), {@code
 * CTA_TEMPORAL_BIN}.
 */
public final class LauncherMain {

  private LauncherMain() {}

  private static final String USAGE =
      "usage: cta-launcher [--no-demo] [--exit-after-demo] [--temporal test|dev]; see README.md";

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    List<String> options = new ArrayList<>();
    String temporal = env.getOrDefault("CTA_TEMPORAL", "").strip();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--temporal") && i + 1 < args.length) {
        temporal = args[++i];
      } else if (option.startsWith("--temporal=")) {
        temporal = option.substring("--temporal=".length());
      } else if (List.of("--no-demo", "--exit-after-demo", "--help").contains(option)) {
        options.add(option);
      } else {
        System.err.println(
            "cta: unknown option "
                + option
                + " (options: --no-demo, --exit-after-demo, --temporal test|dev)");
        System.exit(2);
      }
    }
    if (options.contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    if (!List.of("", "test", "dev").contains(temporal)) {
      System.err.println(
          "cta: unknown Temporal server '"
              + temporal
              + "' (--temporal or CTA_TEMPORAL): 'test' (the Java test server, the default) or"
              + " 'dev' (Temporal's dev server)");
      System.exit(2);
    }
    Path dataDir =
        Path.of(
                env.getOrDefault(
                    "CTA_DATA_DIR", Path.of(System.getProperty("user.home"), ".cta").toString()))
            .toAbsolutePath();
    TemporalDevServer devServer = null;
    if (temporal.equals("dev")) {
      Path binary = TemporalDevServer.findBinary(env);
      if (binary == null) {
        System.err.println("cta: --temporal dev: " + TemporalDevServer.HOW_TO_GET_IT);
        System.exit(2);
      }
      devServer =
          new TemporalDevServer(
              binary,
              dataDir.resolve("temporal").resolve("temporal.db"),
              port(env, "CTA_TEMPORAL_UI_PORT", TemporalDevServer.DEFAULT_UI_PORT));
    }
    String adminToken = adminToken(env, dataDir);
    LocalStack.Settings settings;
    try {
      settings =
          new LocalStack.Settings(
              home(env),
              dataDir.resolve("logs"),
              dataDir.resolve("secrets"),
              port(env, "CTA_PORT", 8080),
              port(env, "CTA_CONSUMER_PORT", 8081),
              port(env, "CTA_TEMPORAL_PORT", 7233),
              port(env, "CTA_MONGO_PORT", 27017),
              dataDir.resolve("mongo").resolve("cta.mv").toString(),
              adminToken,
              devServer);
    } catch (IllegalArgumentException e) {
      // A short admin token: refused before anything starts.
      System.err.println("cta: " + e.getMessage());
      System.exit(2);
      return;
    }
    String agentName = env.getOrDefault("CTA_AGENT_NAME", defaultAgentName());

    LocalStack stack = new LocalStack(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("cta: stopping agent, api, consumer and infrastructure...");
                  stack.close();
                  System.out.println("cta: stopped");
                  stopped.countDown();
                }));
    System.out.println(
        "cta: starting the embedded infrastructure ("
            + (settings.onDevServer()
                ? "Temporal's dev server " + settings.temporalDev().binary()
                : "Temporal test server")
            + ", MongoDB)...");
    stack.start();
    stack.startAgent(
        agentName, List.of("--property", "os=" + System.getProperty("os.name").toLowerCase()));
    // Works for the SSH machines operators declare (docs/agentless.md); idle without any.
    stack.startSshRunner(Map.of());
    printWhere(settings, agentName);
    System.out.println(
        "cta: web console at "
            + settings.apiUrl()
            + "/ : sign in with the admin token ("
            + tokenFileHint(env, dataDir)
            + ", docs/ui.md)");

    if (!options.contains("--no-demo")) {
      CtaClient client = new CtaClient(settings.apiUrl(), adminToken);
      JsonNode execution = new Demo(client, System.out).run(agentName, Duration.ofMinutes(3));
      String id = execution.get("id").asText();
      System.out.println();
      System.out.println("Look at it (docs/cli.md):");
      // The CLI reads its connection from these two variables; the token stays in its file.
      String cta =
          "  CTA_API_URL="
              + settings.apiUrl()
              + " CTA_TOKEN=$(cat "
              + tokenFileHint(env, dataDir)
              + ") "
              + settings.home().resolve("cli/src/main/dist/cta")
              + " ";
      System.out.println(cta + "executions get " + id);
      System.out.println(cta + "results " + id);
      System.out.println(cta + "logs " + id);
      System.out.println(cta + "machines list");
    }
    if (options.contains("--exit-after-demo")) {
      System.exit(0);
    }
    System.out.println();
    System.out.println("cta: running; press Ctrl-C to stop.");
    stopped.await();
  }

  private static void printWhere(LocalStack.Settings s, String agentName) {
    System.out.println("cta: up");
    System.out.println(
        "  api        " + s.apiUrl() + "   (REST under /api/v1, health at /actuator/health)");
    System.out.println("  consumer   " + s.consumerUrl() + "   (agent endpoints under /agent/v1)");
    if (s.onDevServer()) {
      System.out.println(
          "  temporal   127.0.0.1:"
              + s.temporalPort()
              + "   (Temporal's dev server, state in "
              + s.temporalDev().database()
              + ")");
      System.out.println(
          "  temporal ui " + s.temporalDev().uiUrl() + "   (Temporal Web UI, namespace default)");
    } else {
      System.out.println(
          "  temporal   127.0.0.1:"
              + s.temporalPort()
              + "   (embedded test server, state in memory)");
    }
    System.out.println(
        "  mongodb    127.0.0.1:"
            + s.mongoPort()
            + "   (embedded, data in "
            + s.mongoStore()
            + ")");
    System.out.println("  agent      " + agentName);
    System.out.println("  logs       " + s.logDir());
  }

  /**
   * CTA_ADMIN_TOKEN, else the token file (generated on first start, readable by its owner only).
   */
  private static String adminToken(Map<String, String> env, Path dataDir) throws IOException {
    String token = env.get("CTA_ADMIN_TOKEN");
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    Path file = dataDir.resolve("admin-token");
    if (!Files.exists(file)) {
      LocalStack.writeSecret(file, Secrets.newToken());
      System.out.println("cta: generated an admin token into " + file + " (readable by you only)");
    } else {
      System.out.println("cta: admin token in " + file);
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  private static String tokenFileHint(Map<String, String> env, Path dataDir) {
    String given = env.get("CTA_ADMIN_TOKEN");
    return given != null && !given.isBlank()
        ? "<your CTA_ADMIN_TOKEN in a file>"
        : dataDir.resolve("admin-token").toString();
  }

  /** The project directory: CTA_HOME, else the directory two levels above the launcher jar. */
  private static Path home(Map<String, String> env) throws URISyntaxException {
    if (env.get("CTA_HOME") != null) {
      return Path.of(env.get("CTA_HOME")).toAbsolutePath();
    }
    Path jar =
        Path.of(LauncherMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return jar.getParent().getParent().getParent();
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      System.err.println("cta: " + name + "='" + value + "' is not a port number");
      System.exit(2);
      return fallback;
    }
  }

  private static String defaultAgentName() {
    try {
      String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
      return host.isEmpty() ? "local-agent" : host;
    } catch (IOException e) {
      return "local-agent";
    }
  }
}
