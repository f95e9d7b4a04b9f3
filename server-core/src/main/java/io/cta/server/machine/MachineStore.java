package io.cta.server.machine;

import io.cta.activities.events.RegisterRequest;
import io.cta.server.config.CtaServerProperties;
import io.cta.server.definition.Target;
import io.cta.server.live.LiveEvent;
import io.cta.server.live.LiveFeedStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Machines: registration, liveness and lookups. Hot lookups use {@code _id} or the unique name. */
@Component
public class MachineStore {

  private final ReactiveMongoTemplate mongo;
  private final LiveFeedStore live;
  private final Duration offlineAfter;

  public MachineStore(
      ReactiveMongoTemplate mongo, LiveFeedStore live, CtaServerProperties properties) {
    this.mongo = mongo;
    this.live = live;
    this.offlineAfter = properties.machineOfflineAfter();
  }

  /** Tells live clients a machine's status as of {@code now} (see {@link LiveFeedStore}). */
  public Mono<MachineDocument> published(MachineDocument m, Instant now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", m.id());
    data.put("name", m.name());
    data.put("status", m.status(now, offlineAfter));
    data.put("executions", m.executions() == null ? List.of() : m.executions());
    data.put("lastSeenAt", m.lastSeenAt() == null ? null : m.lastSeenAt().toString());
    return live.publish(LiveEvent.MACHINE, null, data).thenReturn(m);
  }

  public Duration offlineAfter() {
    return offlineAfter;
  }

  /** Running tests a machine keeps at most, whatever its agent reports. */
  public static final int MAX_RUNNING = 64;

  /** The machines of these names, by the unique name index (no scan). */
  public Flux<MachineDocument> findByNames(Collection<String> names) {
    return mongo.find(Query.query(Criteria.where("name").in(names)), MachineDocument.class);
  }

  public Mono<MachineDocument> findByName(String name) {
    return mongo.findOne(Query.query(Criteria.where("name").is(name)), MachineDocument.class);
  }

  /** A machine target names a machine by its name or its id. */
  public Mono<MachineDocument> findByNameOrId(String nameOrId) {
    return findByName(nameOrId)
        .switchIfEmpty(Mono.defer(() -> mongo.findById(nameOrId, MachineDocument.class)));
  }

  /** Every machine, in {@code sort} order (the list filters them in memory). */
  public Flux<MachineDocument> list(Sort sort) {
    return mongo.find(new Query().with(sort), MachineDocument.class);
  }

  /** Creates the machine on first registration, else refreshes what its agent declares. */
  public Mono<MachineDocument> register(RegisterRequest request, Instant now) {
    return register(request, AllowList.ANY, now);
  }

  /**
   * Creates the machine on first registration, else refreshes what its agent declares; declared
   * labels outside {@code allowed} (its token's allow-lists) are kept as refused. A machine an
   * operator drained stays draining; one that drained because its agent stopped does not.
   */
  public Mono<MachineDocument> register(RegisterRequest request, AllowList allowed, Instant now) {
    Labels declared = new Labels(request.properties(), request.groups());
    Update update =
        new Update()
            .set("hostname", request.hostname())
            .set("ip", request.ip())
            .set("os", request.os())
            .set("arch", request.arch())
            .set("cpus", request.cpus())
            .set("memoryBytes", request.memoryBytes())
            .set("agentVersion", request.agentVersion())
            .set("declared", declared)
            .set("refused", allowed.refused(declared))
            .set("slots", Math.max(1, request.slots()))
            .set("lastSeenAt", now)
            .set("executions", List.of())
            .set("running", List.of())
            .set("deregistered", false)
            .setOnInsert("_id", new ObjectId().toHexString())
            .setOnInsert("assigned", Labels.EMPTY)
            .setOnInsert("draining", false)
            .setOnInsert("drainRequested", false)
            .setOnInsert("registeredAt", now);
    // Never an SSH machine's document: the upsert then fails on the unique name instead.
    Query byName =
        Query.query(Criteria.where("name").is(request.name()).and("kind").ne(MachineKind.ssh));
    return mongo
        .findAndModify(
            byName,
            update,
            FindAndModifyOptions.options().upsert(true).returnNew(true),
            MachineDocument.class)
        .flatMap(
            m ->
                m.draining() == m.drainRequested()
                    ? Mono.just(m)
                    // The drain follows the operator's request; conditional on it, so that an
                    // operator's drain or undrain in between is not undone.
                    : mongo
                        .findAndModify(
                            Query.query(
                                m.drainRequested()
                                    ? Criteria.where("name")
                                        .is(request.name())
                                        .and("drainRequested")
                                        .is(true)
                                    : Criteria.where("name")
                                        .is(request.name())
                                        .and("drainRequested")
                                        .ne(true)),
                            new Update().set("draining", m.drainRequested()),
                            FindAndModifyOptions.options().returnNew(true),
                            MachineDocument.class)
                        .switchIfEmpty(mongo.findOne(byName, MachineDocument.class)))
        .flatMap(m -> published(m, now));
  }

  /**
   * Records a heartbeat; empty when the machine is not registered. An agent that is {@code
   * stopping} (SIGTERM) drains from now on. Live clients hear of it only when the machine's status
   * or executions change.
   */
  public Mono<MachineDocument> heartbeat(
      String name, List<String> executions, boolean stopping, Instant now) {
    return heartbeat(name, executions, null, stopping, now);
  }

  /**
   * Records a heartbeat that also says which {@code tests} the agent runs (null: none); they
   * replace those of the previous heartbeat in the same write, at most {@link #MAX_RUNNING}.
   */
  public Mono<MachineDocument> heartbeat(
      String name,
      List<String> executions,
      List<MachineDocument.RunningTest> tests,
      boolean stopping,
      Instant now) {
    List<String> running = executions == null ? List.of() : executions;
    List<MachineDocument.RunningTest> runningTests =
        tests == null
            ? List.of()
            : List.copyOf(tests.subList(0, Math.min(tests.size(), MAX_RUNNING)));
    Update update =
        new Update().set("lastSeenAt", now).set("executions", running).set("running", runningTests);
    if (stopping) {
      update.set("draining", true);
    }
    return mongo
        .findAndModify(Query.query(Criteria.where("name").is(name)), update, MachineDocument.class)
        .flatMap(
            before -> {
              MachineDocument after = before.seen(running, runningTests, now, stopping);
              boolean changed =
                  !before.status(now, offlineAfter).equals(after.status(now, offlineAfter))
                      || !running.equals(before.executions());
              return changed ? published(after, now) : Mono.just(after);
            });
  }

  /**
   * Drains a machine (no new work; its agent exits once its tests end) or stops draining it; empty
   * when it does not exist.
   */
  public Mono<MachineDocument> drain(String id, boolean draining) {
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is(id)),
            new Update().set("draining", draining).set("drainRequested", draining),
            FindAndModifyOptions.options().returnNew(true),
            MachineDocument.class)
        .flatMap(m -> published(m, Instant.now()));
  }

  /** The agent's goodbye after a drain: offline at once; empty when the machine is unknown. */
  public Mono<MachineDocument> deregister(String name, Instant now) {
    return mongo
        .findAndModify(
            Query.query(Criteria.where("name").is(name)),
            new Update()
                .set("deregistered", true)
                .set("draining", false)
                .set("executions", List.of())
                .set("running", List.of())
                .set("lastSeenAt", now),
            FindAndModifyOptions.options().returnNew(true),
            MachineDocument.class)
        .flatMap(m -> published(m, now));
  }

  /**
   * Forgets deleted executions (retention) that a machine's last heartbeat still lists: one that
   * went offline mid-run keeps them until its agent comes back. One scan of the machines.
   */
  public Mono<Void> forget(List<String> executionIds) {
    return mongo
        .updateMulti(
            Query.query(Criteria.where("executions").in(executionIds)),
            new Update().pullAll("executions", executionIds.toArray()),
            MachineDocument.class)
        .then();
  }

  /**
   * Why work for this target is not running yet, in words a user understands; empty when a matching
   * machine is online and free.
   */
  public Mono<String> explainWaiting(Target target, Instant now) {
    return explainAmong(target.machines(this), target.noMachine(), now);
  }

  /**
   * Why a running execution on one specific machine cannot go on: that machine is draining or
   * offline, so its next test waits on the machine's queue until the machine is back (undrained, or
   * its agent restarted) or the running timeout ends the execution. Empty for a group or selector
   * target, whose suite moves to another machine instead, and while the machine takes work.
   */
  public Mono<String> explainStalled(Target target, Instant now) {
    if (!target.namesOneMachine()) {
      return Mono.empty();
    }
    return target
        .machines(this)
        .next()
        .filter(m -> STALLED.contains(m.status(now, offlineAfter)))
        .map(m -> describe(m, now));
  }

  /** Statuses in which a machine takes none of a running execution's next tests. */
  private static final Set<String> STALLED = Set.of("draining", "offline");

  /**
   * One machine as a candidate for a target: whether it matches, its status, and why it cannot take
   * the work now (null when it can).
   */
  public record Candidate(String name, boolean matches, String status, String why) {}

  /** Non-matching machines listed at most, so that a large fleet keeps the answer short. */
  static final int MAX_MISMATCHES = 20;

  /**
   * Every machine the target matches, then up to {@link #MAX_MISMATCHES} that it does not; a target
   * that names one machine lists that machine only.
   */
  public Flux<Candidate> candidates(Target target, Instant now) {
    Flux<MachineDocument> considered =
        target.namesOneMachine()
            ? target.machines(this)
            : mongo.find(new Query().with(Sort.by("name")), MachineDocument.class);
    Flux<Candidate> all =
        considered.map(
            m -> {
              String mismatch = target.mismatch(m);
              String status = m.status(now, offlineAfter);
              return mismatch == null
                  ? new Candidate(m.name(), true, status, describe(m, now))
                  : new Candidate(m.name(), false, status, mismatch);
            });
    return all.collectList()
        .flatMapMany(
            list ->
                Flux.concat(
                    Flux.fromStream(list.stream().filter(Candidate::matches)),
                    Flux.fromStream(
                        list.stream().filter(c -> !c.matches()).limit(MAX_MISMATCHES))));
  }

  /** Empty when one of the candidates is free, else why none of them is (or {@code none}). */
  private Mono<String> explainAmong(Flux<MachineDocument> candidates, String none, Instant now) {
    return candidates
        .map(m -> Optional.ofNullable(describe(m, now)))
        .collectList()
        .flatMap(
            reasons -> {
              if (reasons.isEmpty()) {
                return Mono.just(none);
              }
              if (reasons.stream().anyMatch(Optional::isEmpty)) {
                return Mono.empty();
              }
              return Mono.just(String.join("; ", reasons.stream().map(Optional::get).toList()));
            });
  }

  /** Null when the machine could take work now. */
  private String describe(MachineDocument machine, Instant now) {
    String status = machine.status(now, offlineAfter);
    return switch (status) {
      case "online" -> null;
      case "offline" ->
          "machine '"
              + machine.name()
              + "' is offline ("
              + machine.offlineReason(now, offlineAfter)
              + ")";
      case "busy" -> "machine '" + machine.name() + "' is busy with " + machine.executions();
      default -> "machine '" + machine.name() + "' is " + status;
    };
  }

  /** Stores a new machine an operator declared; fails with a duplicate key if its name is taken. */
  public Mono<MachineDocument> create(MachineDocument machine) {
    return mongo.insert(machine).flatMap(m -> published(m, Instant.now()));
  }

  /**
   * Replaces an SSH machine's connection and slots; what the runner learnt of the old connection no
   * longer holds, so it is offline until the next probe succeeds. Empty when there is no such SSH
   * machine.
   */
  public Mono<MachineDocument> reconnect(String id, SshConnection ssh, int slots) {
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is(id).and("kind").is(MachineKind.ssh)),
            new Update()
                .set("ssh", ssh)
                .set("hostname", ssh.host())
                .set("slots", slots)
                .unset("unreachable")
                .unset("lastSeenAt"),
            FindAndModifyOptions.options().returnNew(true),
            MachineDocument.class)
        .flatMap(m -> published(m, Instant.now()));
  }

  /** Every SSH machine, by name (the SSH runner's list; no index: a scan of a small collection). */
  public Flux<MachineDocument> sshMachines() {
    return mongo.find(
        Query.query(Criteria.where("kind").is(MachineKind.ssh)).with(Sort.by("name")),
        MachineDocument.class);
  }

  /**
   * Records the SSH runner's probe of an SSH machine: online now ({@code reason} null), or offline
   * with the reason. The first key seen is pinned when the machine trusts on first use and has
   * none, in the same conditional write, so that two probes never pin two keys. Empty when there is
   * no such SSH machine.
   */
  public Mono<MachineDocument> probed(
      String name, String reason, String presentedKey, Instant now) {
    Criteria ssh = Criteria.where("name").is(name).and("kind").is(MachineKind.ssh);
    Mono<MachineDocument> pinned =
        reason == null && presentedKey != null
            ? mongo.findAndModify(
                Query.query(
                    new Criteria()
                        .andOperator(
                            ssh,
                            Criteria.where("ssh.trustOnFirstUse").is(true),
                            Criteria.where("ssh.hostKey").is(null))),
                new Update().set("ssh.hostKey", presentedKey),
                MachineDocument.class)
            : Mono.empty();
    Update update =
        reason == null
            ? new Update().set("lastSeenAt", now).unset("unreachable")
            : new Update().set("unreachable", reason);
    return pinned
        .then(mongo.findAndModify(Query.query(ssh), update, MachineDocument.class))
        .flatMap(
            before -> {
              String was = before.status(now, offlineAfter);
              return mongo
                  .findById(before.id(), MachineDocument.class)
                  .flatMap(
                      after ->
                          was.equals(after.status(now, offlineAfter))
                                  && java.util.Objects.equals(
                                      before.unreachable(), after.unreachable())
                              ? Mono.just(after)
                              : published(after, now));
            });
  }

  /**
   * The SSH runner starts working for an SSH machine: it runs nothing yet. Empty when there is no
   * such SSH machine.
   */
  public Mono<MachineDocument> runnerRegistered(String name) {
    return mongo.findAndModify(
        Query.query(Criteria.where("name").is(name).and("kind").is(MachineKind.ssh)),
        new Update()
            .set("executions", List.of())
            .set("running", List.of())
            .set("deregistered", false),
        FindAndModifyOptions.options().returnNew(true),
        MachineDocument.class);
  }

  /**
   * Deletes a machine that runs no execution; false when it runs one (or is gone). The caller
   * decides whether its status allows it.
   */
  public Mono<Boolean> deleteIdle(String id) {
    return mongo
        .remove(
            Query.query(Criteria.where("_id").is(id).and("executions").size(0)),
            MachineDocument.class)
        .map(result -> result.getDeletedCount() > 0);
  }

  /** The SSH machines whose connection uses the secret {@code credential}, by name. */
  public Flux<MachineDocument> usingCredential(String credential) {
    return mongo.find(
        Query.query(Criteria.where("kind").is(MachineKind.ssh).and("ssh.credential").is(credential))
            .with(Sort.by("name")),
        MachineDocument.class);
  }

  /** Machines whose effective groups (declared or assigned) include {@code group}, by name. */
  public Flux<MachineDocument> inGroup(String group) {
    Criteria either =
        new Criteria()
            .orOperator(
                Criteria.where("declared.groups").is(group),
                Criteria.where("assigned.groups").is(group));
    return mongo
        .find(Query.query(either).with(Sort.by("name")), MachineDocument.class)
        .filter(m -> m.effective().groups().contains(group));
  }

  /** Machines whose effective properties match the selector, by name. */
  public Flux<MachineDocument> matching(Selector selector) {
    return mongo
        .find(new Query().with(Sort.by("name")), MachineDocument.class)
        .filter(m -> selector.matches(m.effective().properties()));
  }

  /** Edits the server-assigned labels; empty when the machine does not exist. */
  public Mono<MachineDocument> assign(
      String id, Map<String, String> properties, List<String> groups) {
    return assign(id, new Labels(properties, groups), null);
  }

  /**
   * Sets the server-assigned labels and, unless null, the declared labels they remove; empty when
   * the machine does not exist.
   */
  public Mono<MachineDocument> assign(String id, Labels assigned, LabelRemovals removed) {
    Update update = new Update().set("assigned", assigned);
    if (removed != null) {
      update.set("removed", removed);
    }
    return mongo
        .findAndModify(
            Query.query(Criteria.where("_id").is(id)),
            update,
            FindAndModifyOptions.options().returnNew(true),
            MachineDocument.class)
        .flatMap(m -> published(m, Instant.now()));
  }
}
