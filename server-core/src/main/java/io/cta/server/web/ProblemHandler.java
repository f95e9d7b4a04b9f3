package io.cta.server.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
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
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;

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

  /**
   * A query parameter that does not convert names the parameter; a body that does not fit its type
   * names the field (e.g. {@code notifications[0].on}) and, for a closed set of values, the values
   * allowed. It never quotes what was sent.
   */
  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(
      ServerWebInputException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    if (ex.getCause() instanceof TypeMismatchException mismatch
        && ex.getMethodParameter() != null
        && ex.getMethodParameter().getParameterName() != null) {
      // A query parameter or path variable that does not convert (?limit=many): name it.
      Class<?> type = mismatch.getRequiredType();
      ProblemDetail problem =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST,
              ex.getMethodParameter().getParameterName()
                  + ": invalid value"
                  + (type == null ? "" : " (expected " + type.getSimpleName() + ")"));
      problem.setTitle("Invalid request");
      return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
    }
    Throwable cause = ex;
    while (cause != null && !(cause instanceof MismatchedInputException)) {
      cause = cause.getCause();
    }
    if (!(cause instanceof MismatchedInputException mismatch) || mismatch.getPath().isEmpty()) {
      return super.handleServerWebInputException(ex, headers, status, exchange);
    }
    StringBuilder field = new StringBuilder();
    for (JacksonException.Reference reference : mismatch.getPath()) {
      if (reference.getPropertyName() != null) {
        field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        field.append('[').append(reference.getIndex()).append(']');
      }
    }
    Class<?> type = mismatch.getTargetType();
    String expected =
        type != null && type.isEnum()
            ? "must be one of "
                + Arrays.stream(type.getEnumConstants()).map(ProblemHandler::jsonName).toList()
            : "invalid value" + (type == null ? "" : " (expected " + type.getSimpleName() + ")");
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field + ": " + expected);
    problem.setTitle("Invalid request");
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, exchange);
  }

  private static String jsonName(Object constant) {
    String name = ((Enum<?>) constant).name();
    try {
      JsonProperty property = constant.getClass().getField(name).getAnnotation(JsonProperty.class);
      return property == null || property.value().isEmpty() ? name : property.value();
    } catch (NoSuchFieldException e) {
      return name;
    }
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
