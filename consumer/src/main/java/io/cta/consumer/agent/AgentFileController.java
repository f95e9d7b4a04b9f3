package io.cta.consumer.agent;

import io.cta.consumer.config.ConsumerProperties;
import io.cta.server.execution.ExecutionStore;
import io.cta.server.execution.FileStore;
import io.cta.server.execution.StoredFile;
import io.cta.server.web.ApiException;
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
 * that file again (200), so a re-upload after a lost answer stores nothing twice.
 */
@RestController
@RequestMapping("/agent/v1")
class AgentFileController {

  private static final int MAX_KEY = 300;

  private final ExecutionStore executions;
  private final FileStore files;
  private final ConsumerProperties.FileLimits limits;

  AgentFileController(ExecutionStore executions, FileStore files, ConsumerProperties properties) {
    this.executions = executions;
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
    AgentController.checkMachine(exchange, machine);
    if (!"attachment".equals(kind) && !"screenshot".equals(kind)) {
      throw ApiException.badRequest("kind: must be attachment or screenshot");
    }
    if (key.isBlank() || key.length() > MAX_KEY) {
      throw ApiException.badRequest("key: 1 to " + MAX_KEY + " characters");
    }
    if (testId.isBlank()) {
      throw ApiException.badRequest("testId: must not be blank");
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
    return executions
        .findById(executionId)
        .switchIfEmpty(Mono.error(ApiException.notFound("execution", executionId)))
        .flatMap(execution -> files.findUpload(executionId, key))
        .map(ResponseEntity::ok)
        .switchIfEmpty(
            files
                .used(upload)
                .flatMap(
                    used -> {
                      long left = limits.maxTestSize().toBytes() - used;
                      long max = Math.min(limits.maxFileSize().toBytes(), left);
                      long declared = request.getHeaders().getContentLength();
                      if (declared > max) {
                        return Mono.error(tooLarge(upload, declared, left));
                      }
                      return files.store(upload, limited(request.getBody(), upload, max, left));
                    })
                .map(stored -> ResponseEntity.status(HttpStatus.CREATED).body(stored)));
  }

  /** The body, failing with 413 as soon as it passes {@code max} bytes. */
  private Flux<DataBuffer> limited(
      Flux<DataBuffer> body, FileStore.Upload upload, long max, long left) {
    AtomicLong seen = new AtomicLong();
    return body.map(
        buffer -> {
          long total = seen.addAndGet(buffer.readableByteCount());
          if (total > max) {
            DataBufferUtils.release(buffer);
            throw tooLarge(upload, total, left);
          }
          return buffer;
        });
  }

  private ApiException tooLarge(FileStore.Upload upload, long size, long left) {
    String detail =
        left < limits.maxFileSize().toBytes()
            ? "file '"
                + upload.name()
                + "': test '"
                + upload.testId()
                + "' has "
                + Math.max(0, left)
                + " bytes left of its limit of "
                + limits.maxTestSize().toMegabytes()
                + " MB of files per test"
            : "file '"
                + upload.name()
                + "': larger than the limit of "
                + limits.maxFileSize().toMegabytes()
                + " MB per file";
    return new ApiException(HttpStatus.CONTENT_TOO_LARGE, detail + " (" + size + " bytes or more)");
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
