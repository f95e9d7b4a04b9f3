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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded default on one machine: the infrastructure process, the consumer, the api and
 * agents, each its own JVM, so that the api and consumer can restart without losing executions.
 * Every child logs to its own file under {@link Settings#logDir}.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * @param home the project directory holding each module's built jar
   * @param mongoStore "memory" or the H2 file of the embedded MongoDB
   * @param temporalDev Temporal's dev server to run, or null for the Java test server (the default)
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
      String adminToken,
      TemporalDevServer temporalDev) {

    /**
     * The api refuses a shorter admin token at its start (docs/security.md, "Smaller protections");
     * the launcher checks first, so that it refuses before it starts anything.
     */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 32;

    public Settings {
      if (adminToken == null || adminToken.strip().length() < MIN_ADMIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "the admin token (CTA_ADMIN_TOKEN, else the admin-token file) is too short: it needs"
                + " at least "
                + MIN_ADMIN_TOKEN_LENGTH
                + " characters, this one has "
                + (adminToken == null ? 0 : adminToken.strip().length())
                + "; generate one with: openssl rand -base64 32");
      }
    }

    /** On the Java test server, the default. */
    public Settings(
        Path home,
        Path logDir,
        Path secretsDir,
        int apiPort,
        int consumerPort,
        int temporalPort,
        int mongoPort,
        String mongoStore,
        String adminToken) {
      this(
          home,
          logDir,
          secretsDir,
          apiPort,
          consumerPort,
          temporalPort,
          mongoPort,
          mongoStore,
          adminToken,
          null);
    }

    public boolean onDevServer() {
      return temporalDev != null;
    }

    public String apiUrl() {
      return "http://127.0.0.1:" + apiPort;
    }

    public String consumerUrl() {
      return "http://127.0.0.1:" + consumerPort;
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Settings settings;

  /** The name of the dev server's process, which {@link #kill} and {@link #process} know. */
  public static final String TEMPORAL = "temporal";

  private final Map<String, Process> processes = new ConcurrentHashMap<>();

  /** Names in start order ({@link #close} stops in reverse). */
  private final List<String> startOrder = new CopyOnWriteArrayList<>();

  private final AtomicInteger temporalRestarts = new AtomicInteger();

  private volatile boolean closing;

  public LocalStack(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Starts the infrastructure, the consumer and the api, each once it can reach the previous. */
  public void start() {
    List<Integer> ports =
        new ArrayList<>(
            List.of(
                settings.temporalPort(),
                settings.mongoPort(),
                settings.consumerPort(),
                settings.apiPort()));
    if (settings.onDevServer()) {
      ports.add(settings.temporalDev().uiPort());
    }
    for (int port : ports) {
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

  /**
   * Starts the infrastructure process (MongoDB, and the Java test server unless the dev server is
   * chosen), then the dev server if chosen.
   */
  public void startInfrastructure() {
    List<String> command = java(settings.onDevServer() ? "-Xmx384m" : "-Xmx768m");
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Infrastructure.class.getName(),
            settings.onDevServer()
                ? Infrastructure.NO_TEMPORAL
                : String.valueOf(settings.temporalPort()),
            String.valueOf(settings.mongoPort()),
            settings.mongoStore()));
    launch("infrastructure", command, Map.of());
    if (!settings.onDevServer()) {
      awaitPort("infrastructure", settings.temporalPort());
    }
    awaitPort("infrastructure", settings.mongoPort());
    if (settings.onDevServer()) {
      startTemporalDevServer();
    }
  }

  /**
   * Starts the dev server and watches it: when it dies while the stack runs, it is started again on
   * the same port and database, and the workers reconnect by themselves (docs/operations.md,
   * "Restarts and durability").
   */
  private void startTemporalDevServer() {
    TemporalDevServer dev = settings.temporalDev();
    try {
      Files.createDirectories(dev.database().toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of " + dev.database(), e);
    }
    Process process = launch(TEMPORAL, dev.command(settings.temporalPort()), Map.of());
    process.onExit().thenRun(() -> restartIfDied(process));
    awaitPort(TEMPORAL, settings.temporalPort());
  }

  private void restartIfDied(Process died) {
    // Only a death nobody asked for: stop, kill and close remove the process first.
    if (closing || processes.get(TEMPORAL) != died) {
      return;
    }
    System.err.println(
        "cta: Temporal's dev server exited (status "
            + died.exitValue()
            + "); restarting it, see "
            + logFile(TEMPORAL));
    for (int attempt = 1; !closing; attempt++) {
      try {
        startTemporalDevServer();
        temporalRestarts.incrementAndGet();
        return;
      } catch (RuntimeException e) {
        System.err.println("cta: restart " + attempt + " of the dev server failed: " + e);
        pause();
      }
    }
  }

  /** How often the watched dev server was started again after it died. */
  public int temporalRestarts() {
    return temporalRestarts.get();
  }

  public void startConsumer() {
    startConsumer("consumer", settings.consumerPort());
  }

  /** Starts a consumer; more than one may run (they share the work on the server queue). */
  public void startConsumer(String name, int port) {
    launch(name, jar("-Xmx512m", "consumer/target/cta-consumer.jar"), consumerEnv(port));
    awaitHealthy(name, "http://127.0.0.1:" + port);
  }

  /** What a consumer is given on top of the launcher's environment. */
  Map<String, String> consumerEnv(int port) {
    Map<String, String> env = serverEnv();
    env.put("CTA_CONSUMER_PORT", String.valueOf(port));
    if (!settings.onDevServer()) {
      // The Java test server does not move a sticky workflow task to another worker when the
      // consumer restarts, so on it the consumer runs without sticky execution. The dev server,
      // a real Temporal server, does: there the consumer keeps its cache (its default).
      env.put("CTA_CONSUMER_WORKFLOW_CACHE_SIZE", "0");
    }
    // Links in notifications point at the api.
    env.put("CTA_PUBLIC_URL", settings.apiUrl());
    // Everything of the embedded stack runs on this host, webhook receivers included.
    env.put("CTA_ALLOW_LOCAL_WEBHOOKS", "true");
    // The local VM provider: a pool's machines are agent processes on this host
    // (docs/vm-manager.md).
    env.put("CTA_CONSUMER_VM_LOCAL_MACHINES", "4");
    env.put(
        "CTA_CONSUMER_VM_AGENT_JAR",
        settings.home().resolve("agent-worker/target/cta-agent.jar").toString());
    env.put(
        "CTA_CONSUMER_VM_AGENT_JVM_OPTIONS", settings.home().resolve(AGENT_JVM_OPTIONS).toString());
    env.put("CTA_CONSUMER_VM_LOCAL_DIR", vmDir().toString());
    env.put("CTA_CONSUMER_VM_AGENT_SERVER", settings.consumerUrl());
    env.put("CTA_CONSUMER_VM_AGENT_TEMPORAL", "127.0.0.1:" + settings.temporalPort());
    return env;
  }

  public void startApi() {
    launch("api", jar("-Xmx512m", "api/target/cta-api.jar"), apiEnv());
    awaitHealthy("api", settings.apiUrl());
  }

  /** What the api is given on top of the launcher's environment. */
  Map<String, String> apiEnv() {
    Map<String, String> env = serverEnv();
    env.put("CTA_PORT", String.valueOf(settings.apiPort()));
    env.put("CTA_ADMIN_TOKEN", settings.adminToken());
    if (settings.onDevServer()) {
      env.put("CTA_TEMPORAL_UI_URL", settings.temporalDev().uiUrl());
    }
    return env;
  }

  /**
   * Creates an agent token bound to the machine name, writes it to a file only its owner can read,
   * and starts the agent with it; the token never shows in a process list.
   */
  public void startAgent(String name, List<String> extraArgs) {
    Path tokenFile =
        token(
            "agent-" + name + ".token",
            Map.of("name", "agent " + name, "role", "agent", "machine", name));
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

  /**
   * The file holding a token made by {@code request} ({@code POST /api/v1/tokens}), created once
   * under the secrets directory and reused.
   */
  private Path token(String fileName, Map<String, Object> request) {
    Path tokenFile = settings.secretsDir().resolve(fileName);
    if (!Files.exists(tokenFile)) {
      CtaClient admin = new CtaClient(settings.apiUrl(), settings.adminToken());
      writeSecret(
          tokenFile,
          admin.post("/api/v1/tokens", request).expect(201).body().get("token").asText());
    }
    return tokenFile;
  }

  /** The process name of the SSH runner. */
  public static final String SSH_RUNNER = "ssh-runner";

  /**
   * Creates the SSH runner's token (role {@code runner}), writes it to a file only its owner can
   * read, and starts the runner with it (docs/agentless.md).
   *
   * @param env extra environment, such as {@code CTA_SSH_PROBE_INTERVAL}
   */
  public void startSshRunner(Map<String, String> env) {
    Path tokenFile = token(SSH_RUNNER + ".token", Map.of("name", "ssh runner", "role", "runner"));
    List<String> command =
        jar(
            "@" + settings.home().resolve(AGENT_JVM_OPTIONS),
            "ssh-runner/target/cta-ssh-runner.jar");
    command.addAll(
        List.of(
            "--server", settings.consumerUrl(),
            "--temporal", "127.0.0.1:" + settings.temporalPort(),
            "--token-file", tokenFile.toString(),
            "--work-dir", workDir(SSH_RUNNER).toString()));
    launch(SSH_RUNNER, command, env);
  }

  /** The agent's JVM flags, shipped next to its start script. */
  public static final String AGENT_JVM_OPTIONS = "agent-worker/src/main/dist/cta-agent.jvm-options";

  /** A process started here by its name (e.g. {@code agent-NAME}), or null. */
  public Process process(String name) {
    return processes.get(name);
  }

  /** Where the local VM provider keeps its machines' directories. */
  public Path vmDir() {
    return settings.logDir().resolveSibling("vm");
  }

  /** Where the named agent runs its tests. */
  public Path workDir(String agent) {
    return settings.logDir().resolveSibling("work").resolve(agent);
  }

  /** Stops one process gracefully (SIGTERM), as Ctrl-C would. */
  public void stop(String name) {
    Process process = processes.remove(name);
    startOrder.remove(name);
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
    startOrder.remove(name);
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
    closing = true;
    List<String> names = new ArrayList<>(startOrder);
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

  private Process launch(String name, List<String> command, Map<String, String> env) {
    try {
      Files.createDirectories(settings.logDir());
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().remove("CTA_ADMIN_TOKEN");
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(name).toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process process = builder.start();
      startOrder.remove(name);
      startOrder.add(name);
      processes.put(name, process);
      return process;
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
