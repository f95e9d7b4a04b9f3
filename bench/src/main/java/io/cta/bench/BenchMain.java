package io.cta.bench;

import io.cta.launcher.CtaClient;
import io.cta.launcher.FreePorts;
import io.cta.launcher.LocalStack;
import io.cta.launcher.TemporalDevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark harness (docs/benchmarks.md): bare Temporal baselines, then CTA, on one embedded
 * Temporal test server started by {@link LocalStack}, and a table of both against
 * docs/design.md#quality-bars.
 */
public final class BenchMain {

  static final String USAGE =
      """
      Usage: bench/run.sh [options]   (builds, then runs bench/target/cta-bench.jar)

        --agents N        agents, and baseline worker JVMs (default 10)
        --tests N         tests of the fan-out, 0 to skip it (default 10000)
        --runs N          runs of each throughput round (default 300)
        --rounds N        throughput rounds; the median counts (default 3)
        --concurrency N   runs in flight during it (default 20)
        --idle-runs N     sequential runs of the idle measurement (default 100)
        --warmup N        unmeasured runs first, on each side (default 100)
        --slots N         tests at once per agent and per worker JVM (default 1, the agent's)
        --mongo STORE     memory or h2, the embedded MongoDB's backend (default memory)
        --temporal SERVER test (Temporal's Java test server, in memory) or dev (Temporal's
                          dev server, SQLite in a file; needs the temporal binary, see
                          README.md); both sides run on it (default test)
        --fanout-timeout-min N   give up on a fan-out after N minutes (default 30)
        --ingest N        results posted through the agents' batch endpoint, then read
                          back (default 100000, 0 to skip)
        --home DIR        the built project (default: the current directory)
        --agent-footprint N   only this: one agent idles N seconds (e.g. 60); its CPU
                          and RSS against the bar (<= 1 % of a core, <= 160 MB)
        --ssh-overhead N  only this: N sequential runs of a one-stage `true` test on an
                          agent and on an SSH machine (OpenSSH on loopback); the
                          difference against the bar (<= 300 ms, docs/agentless.md)
        --help            this text
      """;

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("agents", "10"),
          Map.entry("tests", "10000"),
          Map.entry("runs", "300"),
          Map.entry("rounds", "3"),
          Map.entry("concurrency", "20"),
          Map.entry("idle-runs", "100"),
          Map.entry("warmup", "100"),
          Map.entry("slots", "1"),
          Map.entry("mongo", "memory"),
          Map.entry("temporal", "test"),
          Map.entry("fanout-timeout-min", "30"),
          Map.entry("ingest", "100000"),
          Map.entry("home", "."),
          Map.entry("agent-footprint", "0"),
          Map.entry("ssh-overhead", "0"));

  /** The options; see {@link #USAGE}. */
  record Options(
      int agents,
      int tests,
      int runs,
      int rounds,
      int concurrency,
      int idleRuns,
      int warmup,
      int slots,
      String mongo,
      String temporal,
      Duration fanOutTimeout,
      int ingest,
      Path home,
      int agentFootprintSeconds,
      int sshOverheadRuns) {

    static Options parse(String[] args) {
      Map<String, String> values = new HashMap<>(DEFAULTS);
      for (int i = 0; i < args.length; i++) {
        String key = args[i].startsWith("--") ? args[i].substring(2) : "";
        if (!values.containsKey(key) || i + 1 == args.length) {
          throw new IllegalArgumentException("unknown or incomplete option '" + args[i] + "'");
        }
        values.put(key, args[++i]);
      }
      String mongo = values.get("mongo");
      if (!mongo.equals("memory") && !mongo.equals("h2")) {
        throw new IllegalArgumentException("--mongo: memory or h2");
      }
      String temporal = values.get("temporal");
      if (!temporal.equals("test") && !temporal.equals("dev")) {
        throw new IllegalArgumentException("--temporal: test or dev");
      }
      return new Options(
          positive(values, "agents"),
          Integer.parseInt(values.get("tests")),
          positive(values, "runs"),
          positive(values, "rounds"),
          positive(values, "concurrency"),
          positive(values, "idle-runs"),
          Integer.parseInt(values.get("warmup")),
          positive(values, "slots"),
          mongo,
          temporal,
          Duration.ofMinutes(positive(values, "fanout-timeout-min")),
          Integer.parseInt(values.get("ingest")),
          Path.of(values.get("home")).toAbsolutePath().normalize(),
          Integer.parseInt(values.get("agent-footprint")),
          Integer.parseInt(values.get("ssh-overhead")));
    }

    private static int positive(Map<String, String> values, String key) {
      int value = Integer.parseInt(values.get(key));
      if (value < 1) {
        throw new IllegalArgumentException("--" + key + ": at least 1");
      }
      return value;
    }
  }

  private static final PrintStream OUT = System.out;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    machine(options);
    try {
      run(options);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(Options options) throws Exception {
    Path work = Files.createTempDirectory("cta-bench");
    List<Integer> ports = FreePorts.take(5);
    String mongoStore =
        options.mongo().equals("memory") ? "memory" : work.resolve("mongo/cta.mv").toString();
    TemporalDevServer devServer = null;
    if (options.temporal().equals("dev")) {
      Path binary = TemporalDevServer.findBinary(System.getenv());
      if (binary == null) {
        throw new IllegalStateException(TemporalDevServer.HOW_TO_GET_IT);
      }
      devServer = new TemporalDevServer(binary, work.resolve("temporal/temporal.db"), ports.get(4));
    }
    LocalStack stack =
        new LocalStack(
            new LocalStack.Settings(
                options.home(),
                work.resolve("logs"),
                work.resolve("secrets"),
                ports.get(0),
                ports.get(1),
                ports.get(2),
                ports.get(3),
                mongoStore,
                "cta_bench_" + java.util.UUID.randomUUID(),
                devServer));
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
    progress("logs in " + work.resolve("logs"));
    progress(
        "starting the infrastructure (Temporal "
            + (devServer == null ? "test server" : "dev server " + devServer.binary())
            + ", MongoDB "
            + options.mongo()
            + ")");
    stack.startInfrastructure();
    if (options.agentFootprintSeconds() > 0) {
      stack.startConsumer();
      stack.startApi();
      progress("agent footprint: one agent idles " + options.agentFootprintSeconds() + " s");
      AgentFootprint.print(
          AgentFootprint.measure(
              stack,
              new CtaClient(stack.settings().apiUrl(), stack.settings().adminToken()),
              Duration.ofSeconds(options.agentFootprintSeconds()),
              OUT),
          OUT);
      return;
    }
    String temporalTarget = "127.0.0.1:" + stack.settings().temporalPort();
    WorkflowClient temporal =
        WorkflowClient.newInstance(
            WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(temporalTarget).build()));
    if (options.sshOverheadRuns() > 0) {
      stack.startConsumer();
      stack.startApi();
      progress(
          "SSH overhead: " + options.sshOverheadRuns() + " runs on an agent and on an SSH machine");
      SshOverhead.print(
          SshOverhead.measure(
              stack,
              new CtaClient(stack.settings().apiUrl(), stack.settings().adminToken()),
              temporal,
              options.sshOverheadRuns(),
              OUT),
          OUT);
      stack.close();
      return;
    }

    progress("baseline: starting " + options.agents() + " worker JVMs");
    Report.Results baseline;
    try (BaselineSide side =
        BaselineSide.start(
            temporal,
            temporalTarget,
            options.agents(),
            options.slots(),
            work.resolve("logs"),
            options.home())) {
      baseline = measure(side, null, options);
    }

    progress("CTA: starting the consumer, the api and " + options.agents() + " agents");
    stack.startConsumer();
    stack.startApi();
    CtaClient api = new CtaClient(stack.settings().apiUrl(), stack.settings().adminToken());
    List<String> agents = new ArrayList<>();
    for (int i = 1; i <= options.agents(); i++) {
      String agent = String.format("bench-%02d", i);
      agents.add(agent);
      stack.startAgent(
          agent, List.of("--group", "bench", "--slots", String.valueOf(options.slots())));
    }
    awaitOnline(api, agents);
    Report.Results cta;
    LiveWatch.Summary live;
    CtaSide group;
    try (LiveWatch watch = LiveWatch.start(api)) {
      group = new CtaSide("group", api, temporal, "group", Map.of("group", "bench"));
      cta =
          measure(
              group,
              new CtaSide("machine", api, temporal, "mono", Map.of("machine", agents.get(0))),
              options);
      live = watch.summary();
    }
    StorageBench.Result storage = null;
    if (options.ingest() > 0) {
      progress("storage: " + options.ingest() + " results through the agents' batch endpoint");
      storage =
          StorageBench.run(
              api,
              stack.settings().consumerUrl(),
              stack.settings().mongoPort(),
              options.ingest(),
              group.suiteId());
    }
    new Report(OUT)
        .print(baseline, cta, live, options.agents(), options.tests(), options.temporal());
    if (storage != null) {
      new Report(OUT).storage(storage, options.mongo());
    }
    stack.close();
  }

  /** Warm-up, idle runs, throughput, fan-out; on a machine target too when one is given. */
  private static Report.Results measure(Side side, Side machineSide, Options options)
      throws Exception {
    progress(side.name() + ": warm-up, " + options.warmup() + " runs");
    Measure.warmUp(side, options.warmup(), options.concurrency());
    Thread.sleep(2000);
    progress(side.name() + ": idle, " + options.idleRuns() + " sequential runs");
    Measure.Idle idle = Measure.idle(side, options.idleRuns());
    Measure.Idle machineIdle = null;
    if (machineSide != null) {
      progress(side.name() + ": idle on a machine target, " + options.idleRuns() + " runs");
      Measure.warmUp(machineSide, Math.min(5, options.warmup()), 1);
      machineIdle = Measure.idle(machineSide, options.idleRuns());
    }
    List<Measure.Throughput> rounds = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      progress(
          String.format(
              Locale.ROOT,
              "%s: throughput round %d of %d, %d runs, %d at a time",
              side.name(),
              round,
              options.rounds(),
              options.runs(),
              options.concurrency()));
      rounds.add(Measure.throughput(side, options.runs(), options.concurrency()));
      progress(
          side.name()
              + String.format(Locale.ROOT, ": %.1f runs/s", rounds.get(round - 1).perSecond()));
    }
    Side.FanOut fanOut = Side.FanOut.skipped("--tests 0");
    if (options.tests() > 0) {
      Thread.sleep(2000);
      progress(side.name() + ": fan-out of " + options.tests() + " tests");
      fanOut = side.fanOut(options.tests(), options.fanOutTimeout());
      progress(
          side.name()
              + ": fan-out "
              + (fanOut.skipped() != null ? fanOut.skipped() : fanOut.millis() + " ms"));
    }
    return new Report.Results(idle, machineIdle, rounds, fanOut);
  }

  /** The command line of a small JVM, with the flags LocalStack gives agents. */
  static List<String> java(Path home, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + home.resolve(LocalStack.AGENT_JVM_OPTIONS)));
    command.addAll(List.of(args));
    return command;
  }

  private static void awaitOnline(CtaClient api, List<String> agents) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    for (String agent : agents) {
      while (true) {
        CtaClient.Response machine = api.get("/api/v1/machines/" + agent);
        if (machine.status() == 200 && machine.body().path("status").asText().equals("online")) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("agent " + agent + " did not come online");
        }
        Thread.sleep(200);
      }
    }
  }

  private static void machine(Options options) {
    long ram =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            >> 20;
    OUT.printf(
        Locale.ROOT,
        "machine: %d cores, %d MB RAM, Java %s (%s), %s%n",
        Runtime.getRuntime().availableProcessors(),
        ram,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    OUT.println("options: " + options);
  }

  private static void progress(String message) {
    OUT.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), message);
  }
}
