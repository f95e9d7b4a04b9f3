package io.cta.vm.local;

import io.cta.vm.AgentBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The command line that starts a local machine's agent. */
@FunctionalInterface
public interface AgentCommand {

  /**
   * @param agent the agent's name, server and labels (its token is in {@code tokenFile})
   * @param tokenFile a file only this machine's agent reads, holding its token
   * @param workDir the machine's work directory, empty at start
   */
  List<String> command(AgentBootstrap agent, Path tokenFile, Path workDir);

  /**
   * The CTA agent jar run by {@code java}, with the flags the launcher gives its local agent
   * (docs/agent.md): name, server, Temporal, token file and work directory, then the pool's
   * properties and groups.
   *
   * @param jvmOptions the agent's JVM argument file ({@code cta-agent.jvm-options}), or null
   */
  static AgentCommand ctaAgent(Path java, Path agentJar, Path jvmOptions) {
    return (agent, tokenFile, workDir) -> {
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      if (jvmOptions != null && Files.isRegularFile(jvmOptions)) {
        command.add("@" + jvmOptions);
      }
      command.addAll(List.of("-jar", agentJar.toString(), "--name", agent.name()));
      if (agent.serverUrl() != null) {
        command.addAll(List.of("--server", agent.serverUrl()));
      }
      if (agent.temporalTarget() != null) {
        command.addAll(List.of("--temporal", agent.temporalTarget()));
      }
      command.addAll(
          List.of("--token-file", tokenFile.toString(), "--work-dir", workDir.toString()));
      for (Map.Entry<String, String> property : new TreeMap<>(agent.properties()).entrySet()) {
        command.addAll(List.of("--property", property.getKey() + "=" + property.getValue()));
      }
      for (String group : agent.groups()) {
        command.addAll(List.of("--group", group));
      }
      return command;
    };
  }
}
