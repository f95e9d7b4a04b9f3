package io.cta.server.scenario;

import io.cta.server.definition.SuiteDocument;
import io.cta.server.error.ConflictException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.ResultDocument;
import io.cta.server.scenario.ImportDocument.State;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Imports with their journal (docs/results.md#imported-executions). The journal ({@link
 * ImportDocument}) is written once the upload is accepted and before anything of it is stored,
 * naming the execution the import will store. With an {@code Idempotency-Key}, a retry after a lost
 * answer finds it by key: the stored execution comes back as it was; an import that died midway is
 * resumed with the same execution (every write of an import may be repeated: results are read back
 * once per id, the snapshot and the execution are inserted by id); one that retention abandoned
 * meanwhile starts over with a new execution. The same key with other reports is refused.
 */
@Component
public class ScenarioImports {

  private static final Logger log = LoggerFactory.getLogger(ScenarioImports.class);

  private final ScenarioRunner runner;
  private final ImportStore imports;
  private final ExecutionStore executions;

  public ScenarioImports(ScenarioRunner runner, ImportStore imports, ExecutionStore executions) {
    this.runner = runner;
    this.imports = imports;
    this.executions = executions;
  }

  /**
   * The stored execution, and whether an earlier request with the same key stored it ({@code
   * replayed}).
   */
  public record Imported(ExecutionDocument execution, boolean replayed) {}

  /**
   * What one upload asks for.
   *
   * @param key the client's {@code Idempotency-Key}, or null
   * @param fingerprint a hash of what was sent (reports, machine, test): a key sent again with
   *     another one is refused
   * @param run the run of the execution with the given id (reason, requester)
   * @param results the results of the execution with the given id, given the scenario's suite; it
   *     may refuse them, before anything is written
   */
  public record Upload(
      String key,
      String fingerprint,
      Function<String, ScenarioRunner.Run> run,
      BiFunction<String, SuiteDocument, List<ResultDocument>> results) {}

  /** Stores the upload as an execution of the scenario, or answers the one its key stored. */
  public Mono<Imported> importResults(String scenarioId, Upload upload) {
    if (upload.key() == null) {
      String executionId = newExecutionId();
      return store(
          scenarioId,
          ImportDocument.unkeyed(scenarioId, executionId),
          executionId,
          upload,
          begin(
              ImportDocument.unkeyed(scenarioId, executionId),
              scenarioId,
              null,
              executionId,
              null));
    }
    String id = ImportDocument.keyed(scenarioId, upload.key());
    // Two first requests with one key: the second to write the journal follows the first's.
    return keyed(scenarioId, id, upload)
        .onErrorResume(KeyTaken.class, raced -> keyed(scenarioId, id, upload));
  }

  private Mono<Imported> keyed(String scenarioId, String id, Upload upload) {
    return imports
        .find(id)
        .flatMap(journal -> retried(scenarioId, journal, upload))
        .switchIfEmpty(
            Mono.defer(
                () ->
                    storeNew(
                        scenarioId,
                        id,
                        upload,
                        executionId ->
                            begin(
                                id, scenarioId, upload.key(), executionId, upload.fingerprint()))));
  }

  private Mono<Imported> retried(String scenarioId, ImportDocument journal, Upload upload) {
    if (!upload.fingerprint().equals(journal.fingerprint())) {
      return Mono.error(
          new ConflictException(
              "Idempotency-Key '"
                  + upload.key()
                  + "' was already used for other reports to this scenario (execution "
                  + journal.executionId()
                  + "): send new reports with a new key"));
    }
    String id = journal.id();
    return executions
        .findById(journal.executionId())
        .flatMap(stored -> complete(id, stored.id()).thenReturn(new Imported(stored, true)))
        .switchIfEmpty(
            Mono.defer(
                () -> {
                  Instant now = Instant.now();
                  if (journal.state() == State.importing) {
                    return store(
                        scenarioId,
                        id,
                        journal.executionId(),
                        upload,
                        changed(imports.resume(id, journal.executionId(), now), upload.key()));
                  }
                  if (journal.state() == State.abandoned) {
                    return storeNew(
                        scenarioId,
                        id,
                        upload,
                        executionId ->
                            changed(
                                imports.restart(id, journal.executionId(), executionId, now),
                                upload.key()));
                  }
                  return Mono.error(
                      new ConflictException(
                          "Idempotency-Key '"
                              + upload.key()
                              + "': its execution "
                              + journal.executionId()
                              + " is being deleted: send the reports with a new key"));
                }));
  }

  /**
   * Stores the execution, writing {@code journal} first; marks the journal completed. A concurrent
   * retry of the same import that inserted the execution first makes it this import's too.
   */
  private Mono<Imported> store(
      String scenarioId, String id, String executionId, Upload upload, Mono<Void> journal) {
    return runner
        .imported(
            scenarioId,
            upload.run().apply(executionId),
            suite -> upload.results().apply(executionId, suite),
            journal)
        .onErrorResume(
            failed ->
                failed instanceof KeyTaken
                    ? Mono.error(failed)
                    : executions.findById(executionId).switchIfEmpty(Mono.error(failed)))
        .flatMap(stored -> complete(id, executionId).thenReturn(new Imported(stored, false)));
  }

  /** {@link #store} with a new execution id, whose journal {@code journal} writes. */
  private Mono<Imported> storeNew(
      String scenarioId, String id, Upload upload, Function<String, Mono<Void>> journal) {
    String executionId = newExecutionId();
    return store(scenarioId, id, executionId, upload, journal.apply(executionId));
  }

  private Mono<Void> begin(
      String id, String scenarioId, String key, String executionId, String fingerprint) {
    return Mono.defer(
        () -> {
          Instant now = Instant.now();
          return imports
              .begin(
                  new ImportDocument(
                      id, scenarioId, key, executionId, fingerprint, State.importing, now, now))
              .onErrorMap(DuplicateKeyException.class, e -> new KeyTaken())
              .then();
        });
  }

  /** A journal that changed under a retry (retention or another retry): the client retries. */
  private static Mono<Void> changed(Mono<Boolean> update, String key) {
    return update.flatMap(
        done ->
            done
                ? Mono.empty()
                : Mono.error(
                    new ConflictException(
                        "Idempotency-Key '"
                            + key
                            + "': another request with this key is storing these reports; retry")));
  }

  /** A journal left {@code importing} is completed by the next retry or retention. */
  private Mono<Void> complete(String id, String executionId) {
    return imports
        .completed(id, executionId)
        .onErrorResume(
            e -> {
              log.warn("could not mark the import of {} completed: {}", executionId, e.toString());
              return Mono.empty();
            });
  }

  private static String newExecutionId() {
    return new ObjectId().toHexString();
  }

  /** Another request wrote the journal of this key first. */
  private static final class KeyTaken extends RuntimeException {
    KeyTaken() {
      super(null, null, false, false);
    }
  }
}
