package io.cta.vm.local;

import io.cta.vm.Capacity;
import io.cta.vm.ConnectInfo;
import io.cta.vm.CreateRequest;
import io.cta.vm.Instance;
import io.cta.vm.InstanceState;
import io.cta.vm.InstanceTags;
import io.cta.vm.ProviderException;
import io.cta.vm.VmProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code local} provider (docs/vm-manager.md#the-local-provider): each instance is a new agent
 * process on this host, in its own session and process group ({@code setsid}), with a directory of
 * its own under {@code baseDir}:
 *
 * <pre>
 * baseDir/ID/instance.properties   its tags, request id, pid and the pid's start time
 * baseDir/ID/agent.token           the lease's agent token (owner-only)
 * baseDir/ID/agent.log             the agent's output
 * baseDir/ID/work/                 the agent's work directory, created empty
 * </pre>
 *
 * The directory is the instance: creating it is the idempotency check (the instance id is the
 * request id), listing reads the directories, destroying kills the process group and removes the
 * directory. So a consumer that restarts, or another consumer sharing {@code baseDir}, sees the
 * same instances.
 */
public final class LocalProvider implements VmProvider {

  public static final String KIND = "local";

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String METADATA = "instance.properties";
  private static final String DESTROYING = "destroying";

  private final Path baseDir;
  private final AgentCommand agentCommand;
  private final int maxInstances;
  private final Duration stopGrace;

  /**
   * @param baseDir where instances live; created if missing
   * @param agentCommand the command an instance runs
   * @param maxInstances how many instances may exist at once on this host
   * @param stopGrace how long {@link #destroy} waits after SIGTERM before SIGKILL
   */
  public LocalProvider(
      Path baseDir, AgentCommand agentCommand, int maxInstances, Duration stopGrace) {
    this.baseDir = baseDir.toAbsolutePath();
    this.agentCommand = agentCommand;
    this.maxInstances = maxInstances;
    this.stopGrace = stopGrace;
    try {
      Files.createDirectories(this.baseDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public synchronized List<Instance> create(List<CreateRequest> requests) {
    List<Instance> created = new ArrayList<>();
    for (CreateRequest request : requests) {
      created.add(createOne(request));
    }
    return created;
  }

  private Instance createOne(CreateRequest request) {
    if (!SAFE_ID.matcher(request.requestId()).matches()) {
      throw new ProviderException(
          "request id '" + request.requestId() + "' is not 1-128 letters, digits, '.', '_' or '-'",
          true);
    }
    Path dir = baseDir.resolve(request.requestId());
    if (Files.isDirectory(dir)) {
      return existing(dir, request);
    }
    if (capacity().available() <= 0) {
      throw new ProviderException(
          "the local provider holds its maximum of " + maxInstances + " instances", false);
    }
    // Made aside, then renamed into place: an instance's directory always holds its tags, so a
    // crash half-way never leaves one that no list shows.
    Path staging = baseDir.resolve(".creating-" + request.requestId() + "-" + System.nanoTime());
    Instant createdAt = Instant.now();
    Properties tags = tags(request.requestId(), request.tags(), createdAt);
    try {
      Files.createDirectories(staging.resolve("work"));
      Path stagedToken = staging.resolve("agent.token");
      Files.createFile(
          stagedToken,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(stagedToken, request.agent().token(), StandardCharsets.UTF_8);
      write(staging, tags);
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException again) {
      deleteTree(staging);
      return existing(dir, request); // another creator of the same request won
    } catch (IOException e) {
      deleteTree(staging);
      throw new ProviderException("cannot create " + dir + ": " + e.getMessage(), false, e);
    }
    try {
      Path work = dir.resolve("work");
      Path tokenFile = dir.resolve("agent.token");
      List<String> command = new ArrayList<>(List.of("setsid"));
      command.addAll(agentCommand.command(request.agent(), tokenFile, work));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("agent.log").toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // The consumer's own agent settings are not this machine's.
      builder.environment().keySet().removeIf(key -> key.startsWith("CTA_AGENT_"));
      Process process = builder.start();
      tags.setProperty("pid", Long.toString(process.pid()));
      process
          .info()
          .startInstant()
          .ifPresent(started -> tags.setProperty("startedAt", started.toString()));
      write(dir, tags);
      return new Instance(
          request.requestId(),
          request.requestId(),
          request.tags(),
          InstanceState.running,
          createdAt);
    } catch (IOException e) {
      deleteTree(dir);
      throw new ProviderException(
          "cannot start the agent of " + request.requestId() + ": " + e.getMessage(), false, e);
    }
  }

  /** The instance a request already created (a retried activity or another consumer). */
  private Instance existing(Path dir, CreateRequest request) {
    return read(dir)
        .orElseGet(
            () ->
                new Instance(
                    request.requestId(),
                    request.requestId(),
                    request.tags(),
                    InstanceState.creating,
                    Instant.now()));
  }

  /** The instances' directories: staging directories ({@code .creating-…}) are not instances. */
  private DirectoryStream<Path> instanceDirs() throws IOException {
    return Files.newDirectoryStream(
        baseDir,
        path ->
            Files.isDirectory(path) && SAFE_ID.matcher(path.getFileName().toString()).matches());
  }

  @Override
  public List<Instance> list(String installation) {
    List<Instance> instances = new ArrayList<>();
    try (DirectoryStream<Path> dirs = instanceDirs()) {
      for (Path dir : dirs) {
        read(dir)
            .filter(instance -> instance.tags().installation().equals(installation))
            .ifPresent(instances::add);
      }
    } catch (IOException e) {
      throw new ProviderException("cannot list " + baseDir + ": " + e.getMessage(), false, e);
    }
    instances.sort(Comparator.comparing(Instance::createdAt).thenComparing(Instance::id));
    return instances;
  }

  @Override
  public Optional<ConnectInfo> connectInfo(String instanceId) {
    if (!SAFE_ID.matcher(instanceId).matches() || !Files.isDirectory(baseDir.resolve(instanceId))) {
      return Optional.empty();
    }
    return Optional.of(new ConnectInfo(instanceId, hostName(), "127.0.0.1"));
  }

  @Override
  public void destroy(String instanceId) {
    if (!SAFE_ID.matcher(instanceId).matches()) {
      return; // no instance can have this id
    }
    Path dir = baseDir.resolve(instanceId);
    Optional<Properties> tags = readProperties(dir);
    if (tags.isPresent()) {
      Properties marked = tags.get();
      marked.setProperty(DESTROYING, "true");
      try {
        write(dir, marked);
      } catch (IOException | UncheckedIOException gone) {
        // removed meanwhile by another destroy
      }
      killTree(marked);
    }
    deleteTree(dir);
  }

  @Override
  public Capacity capacity() {
    int used = 0;
    try (DirectoryStream<Path> dirs = instanceDirs()) {
      for (Path ignored : dirs) {
        used++;
      }
    } catch (IOException e) {
      throw new ProviderException("cannot list " + baseDir + ": " + e.getMessage(), false, e);
    }
    return new Capacity(used, maxInstances - used);
  }

  /** The session leader's process, if it is still the one this instance started. */
  private static Optional<ProcessHandle> process(Properties tags) {
    String pid = tags.getProperty("pid");
    if (pid == null) {
      return Optional.empty();
    }
    String startedAt = tags.getProperty("startedAt");
    return ProcessHandle.of(Long.parseLong(pid))
        .filter(ProcessHandle::isAlive)
        // A recycled pid is another process: never signal it.
        .filter(
            handle ->
                startedAt == null
                    || handle
                        .info()
                        .startInstant()
                        .map(Instant::toString)
                        .orElse("")
                        .equals(startedAt));
  }

  /**
   * SIGTERM to the whole process group (the agent drains), then SIGKILL to whatever is left after
   * the grace, including descendants that left the group. The group's id is the leader's pid, which
   * Linux does not hand out again while any process of the group lives, so a group that outlived
   * its leader is still ours.
   */
  private void killTree(Properties tags) {
    String pid = tags.getProperty("pid");
    if (pid == null) {
      return;
    }
    long group = Long.parseLong(pid);
    Optional<ProcessHandle> leader = process(tags);
    if (leader.isEmpty() && !groupAlive(group)) {
      return;
    }
    List<ProcessHandle> descendants =
        leader.map(handle -> handle.descendants().toList()).orElse(List.of());
    signalGroup("TERM", group);
    awaitGroupGone(group, stopGrace);
    signalGroup("KILL", group);
    leader.ifPresent(ProcessHandle::destroyForcibly);
    descendants.forEach(ProcessHandle::destroyForcibly);
    awaitGroupGone(group, Duration.ofSeconds(10));
  }

  /** Polls the group until it is empty or the time is up: no call waits for a whole group. */
  private static void awaitGroupGone(long group, Duration atMost) {
    Instant deadline = Instant.now().plus(atMost);
    while (groupAlive(group) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void signalGroup(String signal, long group) {
    run("kill", "-" + signal, "--", "-" + group);
  }

  /** Whether any process of the group is left ({@code kill -0} to the group). */
  static boolean groupAlive(long group) {
    return run("kill", "-0", "--", "-" + group) == 0;
  }

  private static int run(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor();
    } catch (IOException e) {
      throw new ProviderException("cannot run " + command[0] + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Optional<Instance> read(Path dir) {
    return readProperties(dir)
        .map(
            tags -> {
              InstanceState state;
              if (tags.getProperty(DESTROYING) != null) {
                state = InstanceState.destroying;
              } else if (tags.getProperty("pid") == null) {
                state = InstanceState.creating;
              } else {
                state = process(tags).isPresent() ? InstanceState.running : InstanceState.stopped;
              }
              return new Instance(
                  dir.getFileName().toString(),
                  tags.getProperty("requestId"),
                  new InstanceTags(
                      tags.getProperty("installation"),
                      tags.getProperty("pool"),
                      tags.getProperty("lease")),
                  state,
                  Instant.parse(tags.getProperty("createdAt")));
            });
  }

  private static Properties tags(String requestId, InstanceTags tags, Instant createdAt) {
    Properties properties = new Properties();
    properties.setProperty("requestId", requestId);
    properties.setProperty("installation", tags.installation());
    properties.setProperty("pool", tags.pool());
    properties.setProperty("lease", tags.lease());
    properties.setProperty("createdAt", createdAt.toString());
    return properties;
  }

  private static Optional<Properties> readProperties(Path dir) {
    try (InputStream in = Files.newInputStream(dir.resolve(METADATA))) {
      Properties properties = new Properties();
      properties.load(in);
      return Optional.of(properties);
    } catch (NoSuchFileException | AccessDeniedException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ProviderException("cannot read " + dir + ": " + e.getMessage(), false, e);
    }
  }

  /** Writes the metadata whole or not at all: a reader never sees half a file. */
  private static void write(Path dir, Properties tags) throws IOException {
    Path temp = Files.createTempFile(dir, METADATA, ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      tags.store(out, "a CTA local machine (docs/vm-manager.md)");
    }
    Files.move(temp, dir.resolve(METADATA), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException gone) {
      // another destroy removed it meanwhile
    } catch (IOException e) {
      throw new ProviderException("cannot remove " + dir + ": " + e.getMessage(), false, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
