package io.cta.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's settings. Each comes from, in order of precedence: a command-line flag, an
 * environment variable, the config file ({@code --config} or {@code CTA_AGENT_CONFIG}), a default.
 *
 * @param token the agent token; never logged, never passed to tests
 * @param localPort port of the local results endpoint on 127.0.0.1; 0 lets the system choose
 * @param bufferMaxBytes how many bytes of undelivered events the on-disk buffer holds at most
 * @param drainTimeout how long running tests may go on after a drain or SIGTERM before they are
 *     stopped with their stop commands
 * @param batchMaxBytes how many bytes of serialized events one batch to the consumer holds at most;
 *     below the consumer's body limit ({@code spring.http.codecs.max-in-memory-size}, 16 MB)
 */
public record AgentSettings(
    String name,
    Map<String, String> properties,
    List<String> groups,
    int slots,
    String server,
    String temporal,
    String namespace,
    String token,
    Path workDir,
    int localPort,
    Duration longPollTimeout,
    long bufferMaxBytes,
    Duration drainTimeout,
    long batchMaxBytes) {

  /** The default of {@code --batch-max-kb}: a quarter of the consumer's default body limit. */
  public static final int DEFAULT_BATCH_KB = 4096;

  public static final String USAGE =
      """
      Usage: java -jar cta-agent.jar [options]

        --name NAME            machine name, unique in CTA (default: the host name)   CTA_AGENT_NAME
        --property KEY=VALUE   a property of this machine (repeatable)               CTA_AGENT_PROPERTIES=k=v,k=v
        --group GROUP          a group this machine belongs to (repeatable)          CTA_AGENT_GROUPS=a,b
        --slots N              tests run at once across all queues (default 1)       CTA_AGENT_SLOTS
        --server URL           the consumer's base URL (default http://127.0.0.1:8081) CTA_SERVER
        --temporal HOST:PORT   Temporal frontend (default 127.0.0.1:7233)            CTA_TEMPORAL
        --namespace NS         Temporal namespace (default default)                  CTA_TEMPORAL_NAMESPACE
        --token TOKEN          agent token (prefer --token-file or the env variable)  CTA_AGENT_TOKEN
        --token-file FILE      file holding the agent token; - reads standard input  CTA_AGENT_TOKEN_FILE
        --work-dir DIR         where tests run by default (default ~/.cta-agent/NAME) CTA_AGENT_WORK_DIR
        --local-port PORT      local results endpoint on 127.0.0.1 (default 0: any)  CTA_AGENT_LOCAL_PORT
        --buffer-max-mb MB     undelivered events kept on disk at most (default 512) CTA_AGENT_BUFFER_MAX_MB
        --batch-max-kb KB      serialized events per batch at most (default 4096)   CTA_AGENT_BATCH_MAX_KB
        --drain-timeout SEC    on drain or SIGTERM, running tests get this long before
                               they are stopped (default 300)                        CTA_AGENT_DRAIN_TIMEOUT
        --config FILE          a properties file with the keys above, without "--"  CTA_AGENT_CONFIG
        --help                 this text

      Precedence: flag, then environment variable, then config file, then default.
      """;

  /**
   * Where this agent keeps undelivered events: under its work directory, per machine name, so that
   * agents sharing a work directory never share a buffer.
   */
  public Path bufferDir() {
    return workDir.resolve(".cta-buffer").resolve(name);
  }

  /** The drain timeout unless configured; the systemd unit's TimeoutStopSec leaves room for it. */
  static final long DEFAULT_DRAIN_SECONDS = 300;

  /** Parses the sources; throws {@link IllegalArgumentException} with a readable message. */
  public static AgentSettings load(String[] args, Map<String, String> env) {
    return load(args, env, System.in);
  }

  /** As {@link #load(String[], Map)}, reading a token file named {@code -} from {@code stdin}. */
  static AgentSettings load(String[] args, Map<String, String> env, InputStream stdin) {
    Map<String, List<String>> flags = parseFlags(args);
    Properties file = new Properties();
    String configPath = first(flags, "config", env.get("CTA_AGENT_CONFIG"), null);
    if (configPath != null) {
      try (Reader reader = Files.newBufferedReader(Path.of(configPath), StandardCharsets.UTF_8)) {
        file.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + configPath + ": " + e.getMessage());
      }
    }
    String name = first(flags, "name", env.get("CTA_AGENT_NAME"), file.getProperty("name"));
    if (name == null) {
      name = hostName();
    }
    Map<String, String> properties = new LinkedHashMap<>();
    List<String> propertyList =
        flags.containsKey("property")
            ? flags.get("property")
            : split(orElse(env.get("CTA_AGENT_PROPERTIES"), file.getProperty("property")));
    for (String pair : propertyList) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--property '" + pair + "': use KEY=VALUE");
      }
      properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    List<String> groups =
        flags.containsKey("group")
            ? flags.get("group")
            : split(orElse(env.get("CTA_AGENT_GROUPS"), file.getProperty("group")));
    String slotsText = first(flags, "slots", env.get("CTA_AGENT_SLOTS"), file.getProperty("slots"));
    int slots;
    try {
      slots = slotsText == null ? 1 : Integer.parseInt(slotsText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--slots '" + slotsText + "': not a number");
    }
    if (slots < 1 || slots > 1024) {
      throw new IllegalArgumentException("--slots: must be between 1 and 1024");
    }
    String server =
        orElse(
            first(flags, "server", env.get("CTA_SERVER"), file.getProperty("server")),
            "http://127.0.0.1:8081");
    String temporal =
        orElse(
            first(flags, "temporal", env.get("CTA_TEMPORAL"), file.getProperty("temporal")),
            "127.0.0.1:7233");
    String namespace =
        orElse(
            first(
                flags,
                "namespace",
                env.get("CTA_TEMPORAL_NAMESPACE"),
                file.getProperty("namespace")),
            "default");
    String token = token(flags, env, file, stdin);
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "no agent token: give --token-file FILE, CTA_AGENT_TOKEN or --token (see --help)");
    }
    String workDir =
        first(flags, "work-dir", env.get("CTA_AGENT_WORK_DIR"), file.getProperty("work-dir"));
    Path work =
        workDir != null
            ? Path.of(workDir)
            : Path.of(System.getProperty("user.home"), ".cta-agent", name);
    String portText =
        first(flags, "local-port", env.get("CTA_AGENT_LOCAL_PORT"), file.getProperty("local-port"));
    int localPort;
    try {
      localPort = portText == null ? 0 : Integer.parseInt(portText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--local-port '" + portText + "': not a number");
    }
    if (localPort < 0 || localPort > 65535) {
      throw new IllegalArgumentException("--local-port: must be between 0 and 65535");
    }
    String bufferText =
        first(
            flags,
            "buffer-max-mb",
            env.get("CTA_AGENT_BUFFER_MAX_MB"),
            file.getProperty("buffer-max-mb"));
    long bufferMb;
    try {
      bufferMb = bufferText == null ? 512 : Long.parseLong(bufferText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--buffer-max-mb '" + bufferText + "': not a number");
    }
    if (bufferMb < 1 || bufferMb > 1024 * 1024) {
      throw new IllegalArgumentException("--buffer-max-mb: must be between 1 and 1048576");
    }
    String drainText =
        first(
            flags,
            "drain-timeout",
            env.get("CTA_AGENT_DRAIN_TIMEOUT"),
            file.getProperty("drain-timeout"));
    long drainSeconds;
    try {
      drainSeconds = drainText == null ? DEFAULT_DRAIN_SECONDS : Long.parseLong(drainText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--drain-timeout '" + drainText + "': not a number");
    }
    if (drainSeconds < 0 || drainSeconds > 86_400) {
      throw new IllegalArgumentException("--drain-timeout: must be between 0 and 86400 seconds");
    }
    String batchText =
        first(
            flags,
            "batch-max-kb",
            env.get("CTA_AGENT_BATCH_MAX_KB"),
            file.getProperty("batch-max-kb"));
    long batchKb;
    try {
      batchKb = batchText == null ? DEFAULT_BATCH_KB : Long.parseLong(batchText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--batch-max-kb '" + batchText + "': not a number");
    }
    if (batchKb < 64 || batchKb > 65_536) {
      throw new IllegalArgumentException("--batch-max-kb: must be between 64 and 65536");
    }
    return new AgentSettings(
        name,
        properties,
        groups,
        slots,
        server,
        temporal,
        namespace,
        token,
        work,
        localPort,
        Duration.ofSeconds(5),
        bufferMb * 1024 * 1024,
        Duration.ofSeconds(drainSeconds),
        batchKb * 1024);
  }

  /** The settings without the token, for the start-up log line. */
  @Override
  public String toString() {
    return "name="
        + name
        + " properties="
        + properties
        + " groups="
        + groups
        + " slots="
        + slots
        + " server="
        + server
        + " temporal="
        + temporal
        + " workDir="
        + workDir
        + " localPort="
        + localPort
        + " bufferMaxMb="
        + bufferMaxBytes / (1024 * 1024)
        + " drainTimeout="
        + drainTimeout.toSeconds()
        + "s batchMaxKb="
        + batchMaxBytes / 1024;
  }

  /**
   * The token by the usual precedence, each level giving the token or a file holding it: flags,
   * then environment, then config file.
   */
  private static String token(
      Map<String, List<String>> flags,
      Map<String, String> env,
      Properties file,
      InputStream stdin) {
    String[][] levels = {
      {last(flags, "token"), last(flags, "token-file")},
      {env.get("CTA_AGENT_TOKEN"), env.get("CTA_AGENT_TOKEN_FILE")},
      {file.getProperty("token"), file.getProperty("token-file")}
    };
    for (String[] level : levels) {
      if (level[0] != null && !level[0].isBlank()) {
        return level[0].trim();
      }
      if (level[1] != null && level[1].strip().equals(STDIN)) {
        return standardInput(stdin);
      }
      if (level[1] != null && !level[1].isBlank()) {
        try {
          return Files.readString(Path.of(level[1]), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read token file " + level[1] + ": " + e.getMessage());
        }
      }
    }
    return null;
  }

  /** The token file name that means standard input. */
  static final String STDIN = "-";

  /**
   * The token from standard input, which is then closed. The systemd unit hands the agent a
   * root-owned token file this way ({@code StandardInput=file:}): systemd opens it before it drops
   * to the agent's user, so the tests, which run as that user, can neither open the file nor find
   * the token in the agent's environment (docs/agent.md, "Run as a systemd service").
   */
  private static String standardInput(InputStream stdin) {
    try (stdin) {
      byte[] bytes = stdin.readNBytes(MAX_TOKEN_BYTES + 1);
      if (bytes.length > MAX_TOKEN_BYTES) {
        throw new IllegalArgumentException(
            "token file -: standard input holds more than " + MAX_TOKEN_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the token from standard input: " + e.getMessage());
    }
  }

  /** More than any token: a stdin that is not a token file is refused rather than read whole. */
  private static final int MAX_TOKEN_BYTES = 4096;

  private static String last(Map<String, List<String>> flags, String key) {
    List<String> values = flags.get(key);
    return values == null ? null : values.get(values.size() - 1);
  }

  private static Map<String, List<String>> parseFlags(String[] args) {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (see --help)");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (key.equals("help")) {
        value = "true";
      } else if (eq > 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value (see --help)");
        }
        value = args[++i];
      }
      if (!List.of(
              "name",
              "property",
              "group",
              "slots",
              "server",
              "temporal",
              "namespace",
              "token",
              "token-file",
              "work-dir",
              "local-port",
              "buffer-max-mb",
              "batch-max-kb",
              "drain-timeout",
              "config",
              "help")
          .contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + " (see --help)");
      }
      flags.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return flags;
  }

  private static String first(
      Map<String, List<String>> flags, String key, String envValue, String fileValue) {
    List<String> values = flags.get(key);
    if (values != null) {
      return values.get(values.size() - 1);
    }
    return orElse(envValue, fileValue);
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static List<String> split(String csv) {
    List<String> items = new ArrayList<>();
    if (csv != null) {
      for (String item : csv.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
