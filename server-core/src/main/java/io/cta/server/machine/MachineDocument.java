package io.cta.server.machine;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A test machine, with an agent or reached over SSH (docs/agentless.md). Its name is unique; its
 * status is derived from the last heartbeat (an SSH machine's: the SSH runner's last successful
 * probe), the executions it runs, whether it drains and whether its agent deregistered.
 *
 * @param draining an operator asked it to drain (or its agent is stopping): it takes no new work,
 *     and its agent exits once its running tests end; when its agent registers again, it drains
 *     still if an operator asked ({@code drainRequested}), else no longer
 * @param deregistered its agent said goodbye (after a drain): offline until it registers again
 * @param refused declared labels its agent token does not allow: ignored for matching (null in
 *     documents stored before allow-lists existed: none)
 * @param removed declared labels an operator removed (null: none)
 * @param drainRequested an operator drained it (and did not undrain it): a new registration of its
 *     agent does not end that drain
 * @param running the tests its agent ran at its last heartbeat, replaced by each heartbeat (null in
 *     documents stored before it existed, and from agents that do not report them: none)
 * @param kind how CTA reaches it (null in documents stored before SSH machines: an agent)
 * @param ssh how the SSH runner reaches an SSH machine; null for an agent's
 * @param unreachable why the SSH runner's last probe of an SSH machine failed (null: it succeeded,
 *     or none ran yet); such a machine is offline
 */
@Document("machines")
public record MachineDocument(
    @Id String id,
    String name,
    String hostname,
    String ip,
    String os,
    String arch,
    int cpus,
    long memoryBytes,
    Labels declared,
    Labels assigned,
    int slots,
    String agentVersion,
    Instant registeredAt,
    Instant lastSeenAt,
    List<String> executions,
    boolean draining,
    boolean deregistered,
    Labels refused,
    LabelRemovals removed,
    Boolean drainRequested,
    List<RunningTest> running,
    MachineKind kind,
    SshConnection ssh,
    String unreachable) {

  /**
   * A test the machine's agent runs (docs/agent.md, the heartbeat).
   *
   * @param startedAt when the agent took it
   */
  public record RunningTest(String executionId, String testId, int attempt, Instant startedAt) {}

  /**
   * Documents stored before operator drains were told apart have no {@code drainRequested}, those
   * stored before running tests were reported no {@code running}.
   */
  @PersistenceCreator
  public MachineDocument {
    drainRequested = Boolean.TRUE.equals(drainRequested);
    running = running == null ? List.of() : List.copyOf(running);
    kind = kind == null ? MachineKind.agent : kind;
  }

  /** An agent's machine, as stored before SSH machines existed. */
  public MachineDocument(
      String id,
      String name,
      String hostname,
      String ip,
      String os,
      String arch,
      int cpus,
      long memoryBytes,
      Labels declared,
      Labels assigned,
      int slots,
      String agentVersion,
      Instant registeredAt,
      Instant lastSeenAt,
      List<String> executions,
      boolean draining,
      boolean deregistered,
      Labels refused,
      LabelRemovals removed,
      Boolean drainRequested,
      List<RunningTest> running) {
    this(
        id,
        name,
        hostname,
        ip,
        os,
        arch,
        cpus,
        memoryBytes,
        declared,
        assigned,
        slots,
        agentVersion,
        registeredAt,
        lastSeenAt,
        executions,
        draining,
        deregistered,
        refused,
        removed,
        drainRequested,
        running,
        MachineKind.agent,
        null,
        null);
  }

  /**
   * A new SSH machine as an operator declared it: offline until the SSH runner's first probe
   * succeeds.
   */
  public static MachineDocument ssh(
      String id,
      String name,
      String os,
      SshConnection ssh,
      Labels assigned,
      int slots,
      Instant now) {
    return new MachineDocument(
        id,
        name,
        ssh.host(),
        null,
        os,
        null,
        0,
        0,
        Labels.EMPTY,
        assigned,
        slots,
        null,
        now,
        null,
        List.of(),
        false,
        false,
        null,
        null,
        false,
        null,
        MachineKind.ssh,
        ssh,
        null);
  }

  /** A machine without refused or removed labels and without an operator's drain. */
  public MachineDocument(
      String id,
      String name,
      String hostname,
      String ip,
      String os,
      String arch,
      int cpus,
      long memoryBytes,
      Labels declared,
      Labels assigned,
      int slots,
      String agentVersion,
      Instant registeredAt,
      Instant lastSeenAt,
      List<String> executions,
      boolean draining,
      boolean deregistered) {
    this(
        id,
        name,
        hostname,
        ip,
        os,
        arch,
        cpus,
        memoryBytes,
        declared,
        assigned,
        slots,
        agentVersion,
        registeredAt,
        lastSeenAt,
        executions,
        draining,
        deregistered,
        null,
        null,
        false,
        null);
  }

  /**
   * The labels matching uses: the declared ones its token allows and no operator removed, then the
   * assigned ones over them.
   */
  public Labels effective() {
    Labels d = declared == null ? Labels.EMPTY : declared;
    Labels r = refused == null ? Labels.EMPTY : refused;
    LabelRemovals gone = removed == null ? LabelRemovals.NONE : removed;
    Set<String> dropProperties = new HashSet<>(r.properties().keySet());
    dropProperties.addAll(gone.properties());
    Set<String> dropGroups = new HashSet<>(r.groups());
    dropGroups.addAll(gone.groups());
    return d.without(dropProperties, dropGroups)
        .overriddenBy(assigned == null ? Labels.EMPTY : assigned);
  }

  /**
   * This machine after a heartbeat at {@code now} reporting {@code executions} and the {@code
   * tests} it runs of them, and draining from now on if {@code stopping}.
   */
  public MachineDocument seen(
      List<String> executions, List<RunningTest> tests, Instant now, boolean stopping) {
    return new MachineDocument(
        id,
        name,
        hostname,
        ip,
        os,
        arch,
        cpus,
        memoryBytes,
        declared,
        assigned,
        slots,
        agentVersion,
        registeredAt,
        now,
        executions,
        draining || stopping,
        deregistered,
        refused,
        removed,
        drainRequested,
        tests,
        kind,
        ssh,
        unreachable);
  }

  /** Why it is offline, in a user's words, when its status is offline; else null. */
  public String offlineReason(Instant now, Duration offlineAfter) {
    if (!"offline".equals(status(now, offlineAfter))) {
      return null;
    }
    if (kind == MachineKind.ssh) {
      if (unreachable != null) {
        return "SSH: " + unreachable;
      }
      return lastSeenAt == null
          ? "no SSH runner has reached it yet"
          : "no SSH probe succeeded since " + lastSeenAt;
    }
    if (deregistered) {
      return "its agent stopped";
    }
    return "last seen " + (lastSeenAt == null ? "never" : lastSeenAt);
  }

  public String status(Instant now, Duration offlineAfter) {
    if (deregistered
        || unreachable != null
        || lastSeenAt == null
        || lastSeenAt.plus(offlineAfter).isBefore(now)) {
      return "offline";
    }
    if (draining) {
      return "draining";
    }
    return executions != null && !executions.isEmpty() ? "busy" : "online";
  }
}
