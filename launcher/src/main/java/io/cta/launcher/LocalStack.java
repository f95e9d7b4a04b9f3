package io.cta.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default on one machine: the infrastructure process, the consumer, the api and
 * agents, each its own JVM, so that the api and consumer can restart without losing executions.
 * Every child logs to its own file under {@link Settings#logDir}.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * @param home the project directory holding each module's built jar
   * @param mongoStore "memory" or the H2 file of the embedded MongoDB
   */
  public record Settings(
      Path home,
      Path logDir,
      Path secretsDir,
      int apiPort,
      int consumerPort,
      int temporalPort,
      int mongoPort,
      String mongoStore,
      String adminToken) {

    public String apiUrl() {
      return "http://127.0.0.1:" + apiPort;
    }

    public String consumerUrl() {
      return "http://127.0.0.1:" + consumerPort;
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Settings settings;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  public LocalStack(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Starts the infrastructure, the consumer and the api, each once it can reach the previous. */
  public void start() {
    for (int port :
        List.of(
            settings.temporalPort(),
            settings.mongoPort(),
            settings.consumerPort(),
            settings.apiPort())) {
      if (!isFree(port)) {
        throw new IllegalStateException(
            "port "
                + port
                + " on 127.0.0.1 is in use: is CTA already running? (see docs/operations.md to change ports)");
      }
    }
    startInfrastructure();
    startConsumer();
    startApi();
  }

  public void startInfrastructure() {
    List<String> command = java("-Xmx768m");
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Infrastructure.class.getName(),
            String.valueOf(settings.temporalPort()),
            String.valueOf(settings.mongoPort()),
            settings.mongoStore()));
    launch("infrastructure", command, Map.of());
    awaitPort("infrastructure", settings.temporalPort());
    awaitPort("infrastructure", settings.mongoPort());
  }

  public void startConsumer() {
    startConsumer("consumer", settings.consumerPort());
  }

  /** Starts a consumer; more than one may run (they share the work on the server queue). */
  public void startConsumer(String name, int port) {
    Map<String, String> env = serverEnv();
    env.put("CTA_CONSUMER_PORT", String.valueOf(port));
    // The embedded Temporal server does not move a sticky workflow task to another worker when
    // the consumer restarts, so the embedded default runs without sticky execution.
    env.put("CTA_CONSUMER_WORKFLOW_CACHE_SIZE", "0");
    // Links in notifications point at the api.
    env.put("CTA_PUBLIC_URL", settings.apiUrl());
    // Everything of the embedded stack runs on this host, webhook receivers included.
    env.put("CTA_ALLOW_LOCAL_WEBHOOKS", "true");
    launch(name, jar("-Xmx512m", "consumer/target/cta-consumer.jar"), env);
    awaitHealthy(name, "http://127.0.0.1:" + port);
  }

  public void startApi() {
    Map<String, String> env = serverEnv();
    env.put("CTA_PORT", String.valueOf(settings.apiPort()));
    env.put("CTA_ADMIN_TOKEN", settings.adminToken());
    launch("api", jar("-Xmx512m", "api/target/cta-api.jar"), env);
    awaitHealthy("api", settings.apiUrl());
  }

  /**
   * Creates an agent token bound to the machine name, writes it to a file only its owner can read,
   * and starts the agent with it; the token never shows in a process list.
   */
  public void startAgent(String name, List<String> extraArgs) {
    Path tokenFile = settings.secretsDir().resolve("agent-" + name + ".token");
    if (!Files.exists(tokenFile)) {
      CtaClient admin = new CtaClient(settings.apiUrl(), settings.adminToken());
      String token =
          admin
              .post(
                  "/api/v1/tokens",
                  Map.of("name", "agent " + name, "role", "agent", "machine", name))
              .expect(201)
              .body()
              .get("token")
              .asText();
      writeSecret(tokenFile, token);
    }
    // The JVM flags of the start script and the service wrappers: one argument file for all.
    List<String> command =
        jar("@" + settings.home().resolve(AGENT_JVM_OPTIONS), "agent-worker/target/cta-agent.jar");
    command.addAll(
        List.of(
            "--name", name,
            "--server", settings.consumerUrl(),
            "--temporal", "127.0.0.1:" + settings.temporalPort(),
            "--token-file", tokenFile.toString(),
            "--work-dir", workDir(name).toString()));
    command.addAll(extraArgs);
    launch("agent-" + name, command, Map.of());
  }

  /** The agent's JVM flags, shipped next to its start script. */
  public static final String AGENT_JVM_OPTIONS = "agent-worker/src/main/dist/cta-agent.jvm-options";

  /** A process started here by its name (e.g. {@code agent-NAME}), or null. */
  public Process process(String name) {
    return processes.get(name);
  }

  /** Where the named agent runs its tests. */
  public Path workDir(String agent) {
    return settings.logDir().resolveSibling("work").resolve(agent);
  }

  /** Stops one process gracefully (SIGTERM), as Ctrl-C would. */
  public void stop(String name) {
    Process process = processes.remove(name);
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Kills one process without warning (kill -9), for failure tests. */
  public void kill(String name) {
    Process process = processes.remove(name);
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public Path logFile(String name) {
    return settings.logDir().resolve(name + ".log");
  }

  /**
   * Stops everything in reverse order of start; the infrastructure last, so MongoDB shuts down
   * cleanly.
   */
  @Override
  public void close() {
    List<String> names = new ArrayList<>(processes.keySet());
    for (int i = names.size() - 1; i >= 0; i--) {
      stop(names.get(i));
    }
  }

  public static void writeSecret(Path file, String secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, secret, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private Map<String, String> serverEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CTA_MONGODB_URI", "mongodb://127.0.0.1:" + settings.mongoPort() + "/cta");
    env.put("CTA_TEMPORAL_TARGET", "127.0.0.1:" + settings.temporalPort());
    // A CTA_SECRET_KEY of the caller's environment wins over the file (docs/security.md).
    env.put("CTA_SECRET_KEY_FILE", secretKeyFile().toString());
    return env;
  }

  /**
   * The secret store's key, shared by the api and the consumer: generated on first start like the
   * admin token (readable by its owner only) and never printed. Losing it loses the stored secrets.
   */
  public Path secretKeyFile() {
    Path file = settings.secretsDir().resolve("secret-key");
    synchronized (this) {
      if (!Files.exists(file)) {
        writeSecret(file, Secrets.newKey());
      }
    }
    return file;
  }

  /**
   * @param heap the heap flag, or a Java argument file ({@code @file}) with the flags
   */
  private List<String> jar(String heap, String relativeJar) {
    Path jar = settings.home().resolve(relativeJar);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build first (./start.sh builds it)");
    }
    List<String> command = java(heap);
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }

  private static List<String> java(String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    if (!heap.startsWith("@")) {
      command.add("-XX:+UseSerialGC");
      command.add("-XX:TieredStopAtLevel=1");
    }
    return command;
  }

  private void launch(String name, List<String> command, Map<String, String> env) {
    try {
      Files.createDirectories(settings.logDir());
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().remove("CTA_ADMIN_TOKEN");
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(name).toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      processes.put(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private void awaitPort(String name, int port) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      checkAlive(name);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        pause();
      }
    }
    throw new IllegalStateException(name + " did not open port " + port + "; see " + logFile(name));
  }

  private void awaitHealthy(String name, String baseUrl) {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      checkAlive(name);
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      pause();
    }
    throw new IllegalStateException(name + " did not become healthy; see " + logFile(name));
  }

  private void checkAlive(String name) {
    Process process = processes.get(name);
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(name + " exited during start-up; see " + logFile(name));
    }
  }

  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
