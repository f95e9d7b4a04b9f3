package io.cta.server.web;

import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The one mapping from exceptions to HTTP: RFC 9457 problem details, 4xx logged at WARN, 5xx at
 * ERROR. Framework errors (bad JSON, wrong media type, unknown path) arrive through the base class.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @Override
  protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
      WebExchangeBindException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    String detail =
        ex.getFieldErrors().stream()
            .map(e -> e.getField() + ": " + e.getDefaultMessage())
            .sorted()
            .collect(Collectors.joining("; "));
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setTitle("Invalid request");
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
  }

  @ExceptionHandler(DuplicateKeyException.class)
  Mono<ResponseEntity<Object>> duplicate(DuplicateKeyException ex, ServerWebExchange exchange) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.CONFLICT, "an item with this key already exists");
    return handleExceptionInternal(ex, problem, null, HttpStatus.CONFLICT, exchange);
  }

  /** Temporal could not be reached: the client may retry; nothing the user sent was wrong. */
  @ExceptionHandler({StatusRuntimeException.class, WorkflowServiceException.class})
  Mono<ResponseEntity<Object>> temporalUnavailable(Exception ex, ServerWebExchange exchange) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE, "Temporal cannot be reached right now; try again");
    return handleExceptionInternal(ex, problem, null, HttpStatus.SERVICE_UNAVAILABLE, exchange);
  }

  @ExceptionHandler(Exception.class)
  Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the server log");
    return handleExceptionInternal(ex, problem, null, HttpStatus.INTERNAL_SERVER_ERROR, exchange);
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleExceptionInternal(
      Exception ex,
      Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    String request = exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath();
    if (status.is5xxServerError()) {
      log.error("{} failed", request, ex);
    } else {
      log.warn("{} rejected with {}: {}", request, status.value(), ex.getMessage());
    }
    if (body instanceof ProblemDetail problem && problem.getInstance() == null) {
      problem.setInstance(
          exchange.getRequest().getURI().resolve(exchange.getRequest().getPath().value()));
    }
    return super.handleExceptionInternal(ex, body, headers, status, exchange);
  }
}
