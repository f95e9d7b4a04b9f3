package io.cta.consumer.vm;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The VM manager's settings in the consumer ({@code cta.consumer.vm.*},
 * docs/vm-manager.md#settings). The {@code local} provider is off unless {@code localMachines} is
 * above 0 and {@code agentJar} names the agent jar: it starts processes on the consumer's own host.
 *
 * @param installation this CTA installation's tag on every instance it makes (default {@code cta});
 *     installations sharing a provider account need different ones
 * @param localMachines how many {@code local} machines may run on this host at once (default 0: the
 *     provider is off)
 * @param localDir where {@code local} machines keep their directories (default {@code cta-vm-local}
 *     under the temporary directory)
 * @param agentJar the {@code cta-agent.jar} that {@code local} machines run
 * @param agentJvmOptions the agent's JVM argument file ({@code cta-agent.jvm-options}), if any
 * @param agentServer the consumer's address as new machines' agents reach it (default {@code
 *     http://127.0.0.1:8081})
 * @param agentTemporal Temporal's frontend as new machines' agents reach it (default {@code
 *     127.0.0.1:7233})
 * @param stopGrace how long a destroyed machine's agent may drain before it is killed (default 30
 *     s)
 * @param orphanInterval how often the orphan pass runs (default 60 s)
 * @param orphanGrace instances younger than this are never orphans (default 2 min)
 */
@ConfigurationProperties("cta.consumer.vm")
public record VmProperties(
    String installation,
    int localMachines,
    Path localDir,
    Path agentJar,
    Path agentJvmOptions,
    String agentServer,
    String agentTemporal,
    Duration stopGrace,
    Duration orphanInterval,
    Duration orphanGrace) {

  public VmProperties {
    installation = installation == null || installation.isBlank() ? "cta" : installation;
    localDir =
        localDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "cta-vm-local") : localDir;
    agentServer = agentServer == null ? "http://127.0.0.1:8081" : agentServer;
    agentTemporal = agentTemporal == null ? "127.0.0.1:7233" : agentTemporal;
    stopGrace = stopGrace == null ? Duration.ofSeconds(30) : stopGrace;
    orphanInterval = orphanInterval == null ? Duration.ofSeconds(60) : orphanInterval;
    orphanGrace = orphanGrace == null ? Duration.ofMinutes(2) : orphanGrace;
  }

  /** Whether this consumer offers the {@code local} provider. */
  public boolean localEnabled() {
    return localMachines > 0 && agentJar != null;
  }
}
