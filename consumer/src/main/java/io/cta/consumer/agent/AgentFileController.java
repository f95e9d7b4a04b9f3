package io.cta.consumer.agent;

import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.definition.Target;
import io.cta.server.error.ForbiddenException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.error.TooLargeException;
import io.cta.server.execution.ExecutionDocument;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.StoredFile;
import io.cta.server.machine.MachineStore;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /agent/v1/files}: an attachment or screenshot of a test, the raw file as the body and
 * what it belongs to as query parameters (docs/agent.md). The body is streamed into the {@link
 * FileStore}, never held whole; a body over the limits is refused with 413, at once when its {@code
 * Content-Length} says so. An upload whose {@code key} was stored before for the execution answers
 * that file again (200), so a re-upload after a lost answer stores nothing twice. Only a machine
 * that takes part in the execution may upload to it, and only while it has not ended (403); the
 * files of one machine in one execution, and of one execution, are bounded too (413).
 */
@RestController
@RequestMapping("/agent/v1")
class AgentFileController {

  private static final int MAX_KEY = 300;

  private final ExecutionStore executions;
  private final FileStore files;
  private final ConsumerProperties.FileLimits limits;
  private final MachineOwnership ownership;
  private final MachineStore machines;

  AgentFileController(
      ExecutionStore executions,
      FileStore files,
      ConsumerProperties properties,
      MachineOwnership ownership,
      MachineStore machines) {
    this.executions = executions;
    this.ownership = ownership;
    this.machines = machines;
    this.files = files;
    this.limits = properties.files();
  }

  @PostMapping("/files")
  Mono<ResponseEntity<StoredFile>> upload(
      @RequestParam String machine,
      @RequestParam String executionId,
      @RequestParam String testId,
      @RequestParam int attempt,
      @RequestParam String kind,
      @RequestParam String name,
      @RequestParam String key,
      ServerWebExchange exchange) {
    if (!"attachment".equals(kind) && !"screenshot".equals(kind)) {
      throw new InvalidInputException("kind: must be attachment or screenshot");
    }
    if (key.isBlank() || key.length() > MAX_KEY) {
      throw new InvalidInputException("key: 1 to " + MAX_KEY + " characters");
    }
    if (testId.isBlank()) {
      throw new InvalidInputException("testId: must not be blank");
    }
    ServerHttpRequest request = exchange.getRequest();
    FileStore.Upload upload =
        new FileStore.Upload(
            executionId,
            testId,
            attempt,
            machine,
            kind,
            FileNames.sanitize(name),
            contentType(request),
            key);
    return ownership
        .check(exchange, machine)
        .then(executions.findById(executionId))
        .switchIfEmpty(Mono.error(new NotFoundException("execution", executionId)))
        .flatMap(execution -> takesPart(execution, machine).thenReturn(execution))
        .flatMap(
            execution ->
                files
                    .findUpload(executionId, key)
                    .map(ResponseEntity::ok)
                    .switchIfEmpty(
                        Mono.defer(
                            () -> {
                              if (execution.state().isTerminal()) {
                                return Mono.error(
                                    new ForbiddenException(
                                        "execution '"
                                            + executionId
                                            + "' has ended ("
                                            + execution.state()
                                            + "): it takes no more files"));
                              }
                              return store(upload, request)
                                  .map(
                                      stored ->
                                          ResponseEntity.status(HttpStatus.CREATED).body(stored));
                            })));
  }

  /** Stores the upload if it fits every limit, else fails with a 413 naming the limit. */
  private Mono<StoredFile> store(FileStore.Upload upload, ServerHttpRequest request) {
    return files
        .usage(upload)
        .flatMap(
            used -> {
              long machineLeft = limits.maxMachineSize().toBytes() - used.machine();
              long executionLeft = limits.maxExecutionSize().toBytes() - used.execution();
              if (machineLeft <= 0 || executionLeft <= 0) {
                return Mono.error(quotaReached(upload, machineLeft <= 0));
              }
              long testLeft = limits.maxTestSize().toBytes() - used.test();
              long left = Math.min(testLeft, Math.min(machineLeft, executionLeft));
              String limit =
                  left == testLeft
                      ? "its limit of "
                          + limits.maxTestSize().toMegabytes()
                          + " MB of files per test"
                      : left == machineLeft
                          ? "the limit of "
                              + limits.maxMachineSize().toMegabytes()
                              + " MB of files per machine in an execution"
                          : "the limit of "
                              + limits.maxExecutionSize().toMegabytes()
                              + " MB of files per execution";
              long max = Math.min(limits.maxFileSize().toBytes(), left);
              long declared = request.getHeaders().getContentLength();
              if (declared > max) {
                return Mono.error(tooLarge(upload, declared, left, limit));
              }
              return files.store(upload, limited(request.getBody(), upload, max, left, limit));
            });
  }

  /**
   * Completes empty when the machine takes part in the execution: it is one of the execution's
   * machines, or the execution's target matches it (a machine joining a pool's work may upload
   * before the consumer has taken its first state event), else fails with a 403.
   */
  private Mono<Void> takesPart(ExecutionDocument execution, String machine) {
    if (execution.machines() != null
        && execution.machines().stream().anyMatch(run -> machine.equals(run.name()))) {
      return Mono.empty();
    }
    Target target = execution.configuration() == null ? null : execution.configuration().target();
    Mono<Boolean> matches =
        target == null
            ? Mono.just(false)
            : target.names(machine)
                ? Mono.just(true)
                : machines.findByName(machine).map(target::matches).defaultIfEmpty(false);
    return matches.flatMap(
        yes ->
            yes
                ? Mono.<Void>empty()
                : Mono.error(
                    new ForbiddenException(
                        "machine '"
                            + machine
                            + "' takes no part in execution '"
                            + execution.id()
                            + "'")));
  }

  private TooLargeException quotaReached(FileStore.Upload upload, boolean machine) {
    String detail =
        machine
            ? "machine '"
                + upload.machine()
                + "' reached its limit of "
                + limits.maxMachineSize().toMegabytes()
                + " MB of files in execution '"
                + upload.executionId()
                + "'"
            : "execution '"
                + upload.executionId()
                + "' reached its limit of "
                + limits.maxExecutionSize().toMegabytes()
                + " MB of files";
    return new TooLargeException("file '" + upload.name() + "': " + detail);
  }

  /** The body, failing with 413 as soon as it passes {@code max} bytes. */
  private Flux<DataBuffer> limited(
      Flux<DataBuffer> body, FileStore.Upload upload, long max, long left, String limit) {
    AtomicLong seen = new AtomicLong();
    return body.map(
        buffer -> {
          long total = seen.addAndGet(buffer.readableByteCount());
          if (total > max) {
            DataBufferUtils.release(buffer);
            throw tooLarge(upload, total, left, limit);
          }
          return buffer;
        });
  }

  private TooLargeException tooLarge(FileStore.Upload upload, long size, long left, String limit) {
    String detail =
        left < limits.maxFileSize().toBytes()
            ? "file '"
                + upload.name()
                + "': test '"
                + upload.testId()
                + "' has "
                + Math.max(0, left)
                + " bytes left of "
                + limit
            : "file '"
                + upload.name()
                + "': larger than the limit of "
                + limits.maxFileSize().toMegabytes()
                + " MB per file";
    return new TooLargeException(detail + " (" + size + " bytes or more)");
  }

  /** The body's declared type, or {@code application/octet-stream}. */
  private static String contentType(ServerHttpRequest request) {
    try {
      MediaType type = request.getHeaders().getContentType();
      return type == null || type.isWildcardType() || type.isWildcardSubtype()
          ? MediaType.APPLICATION_OCTET_STREAM_VALUE
          : type.toString();
    } catch (InvalidMediaTypeException e) {
      return MediaType.APPLICATION_OCTET_STREAM_VALUE;
    }
  }
}
