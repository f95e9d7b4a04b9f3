package io.cta.server.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cta.server.error.ConflictException;
import io.cta.server.error.CtaException;
import io.cta.server.error.ForbiddenException;
import io.cta.server.error.InvalidInputException;
import io.cta.server.error.NotFoundException;
import io.cta.server.error.PreconditionFailedException;
import io.cta.server.error.TooLargeException;
import io.cta.server.error.TooManyRequestsException;
import io.cta.server.secret.SecretsUnavailableException;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowServiceException;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.MethodParameter;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The one mapping from exceptions to HTTP: RFC 9457 problem details, always as {@code
 * application/problem+json} whatever the request's {@code Accept}, 4xx logged at WARN, 5xx at
 * ERROR. CTA's own refusals are the {@link CtaException}s of {@code io.cta.server.error}, each kind
 * with its status in {@link #STATUS}; framework errors (bad JSON, wrong media type, unknown path)
 * arrive through the base class; a {@code 400} names the field or parameter at fault. See
 * docs/architecture.md#errors.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  /** The status of each kind of refusal; {@code ProblemHandlerTest} checks every kind has one. */
  static final Map<Class<? extends CtaException>, HttpStatus> STATUS =
      Map.of(
          InvalidInputException.class, HttpStatus.BAD_REQUEST,
          ForbiddenException.class, HttpStatus.FORBIDDEN,
          NotFoundException.class, HttpStatus.NOT_FOUND,
          ConflictException.class, HttpStatus.CONFLICT,
          PreconditionFailedException.class, HttpStatus.PRECONDITION_FAILED,
          TooLargeException.class, HttpStatus.CONTENT_TOO_LARGE,
          TooManyRequestsException.class, HttpStatus.TOO_MANY_REQUESTS);

  private final DataSize maxBody;

  ProblemHandler(@Value("${spring.http.codecs.max-in-memory-size:256KB}") DataSize maxBody) {
    this.maxBody = maxBody;
  }

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

  /** A body that is not the JSON expected, or a query parameter of the wrong type. */
  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(
      ServerWebInputException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, describe(ex));
    return handleExceptionInternal(ex, problem, headers, status, exchange);
  }

  /** A body over {@code spring.http.codecs.max-in-memory-size}; says what the limit is. */
  @ExceptionHandler(ContentTooLargeException.class)
  Mono<ResponseEntity<Object>> tooLarge(ContentTooLargeException ex, ServerWebExchange exchange) {
    String limit =
        maxBody.toMegabytes() > 0 ? maxBody.toMegabytes() + " MB" : maxBody.toKilobytes() + " KB";
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.CONTENT_TOO_LARGE, "request body: larger than the limit of " + limit);
    return handleExceptionInternal(ex, problem, null, HttpStatus.CONTENT_TOO_LARGE, exchange);
  }

  /** A refusal of CTA's own: its status by kind, its message as the detail. */
  @ExceptionHandler(CtaException.class)
  Mono<ResponseEntity<Object>> refused(CtaException ex, ServerWebExchange exchange) {
    HttpStatus status = status(ex);
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
    return handleExceptionInternal(ex, problem, null, status, exchange);
  }

  /** The HTTP status that answers {@code refusal}. */
  public static HttpStatus status(CtaException refusal) {
    return STATUS.get(refusal.getClass());
  }

  @ExceptionHandler(DuplicateKeyException.class)
  Mono<ResponseEntity<Object>> duplicate(DuplicateKeyException ex, ServerWebExchange exchange) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.CONFLICT, "an item with this key already exists");
    return handleExceptionInternal(ex, problem, null, HttpStatus.CONFLICT, exchange);
  }

  /** The secret store has no key: a setup matter, not the user's mistake (docs/security.md). */
  @ExceptionHandler(SecretsUnavailableException.class)
  Mono<ResponseEntity<Object>> noSecretKey(
      SecretsUnavailableException ex, ServerWebExchange exchange) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
    return handleExceptionInternal(ex, problem, null, HttpStatus.SERVICE_UNAVAILABLE, exchange);
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
    HttpHeaders problemHeaders = new HttpHeaders();
    if (headers != null) {
      problemHeaders.putAll(headers);
    }
    // Else the Accept header picks the writer: an event stream, or nothing at all.
    problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return super.handleExceptionInternal(ex, body, problemHeaders, status, exchange);
  }

  /** What is wrong with the input, naming the parameter or JSON field, without Java types. */
  static String describe(ServerWebInputException ex) {
    for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof TypeMismatchException mismatch && ex.getMethodParameter() != null) {
        return name(ex.getMethodParameter())
            + ": '"
            + abbreviate(String.valueOf(mismatch.getValue()))
            + "' is not "
            + expected(mismatch.getRequiredType());
      }
      if (cause instanceof JacksonException json) {
        return describe(json);
      }
    }
    return ex.getReason();
  }

  private static String describe(JacksonException ex) {
    String path = path(ex);
    String where = path.isEmpty() ? "request body" : path;
    if (ex instanceof StreamConstraintsException) {
      // Jackson's limits (nesting depth, number and string lengths) name no field.
      return "request body: " + ex.getOriginalMessage().replaceAll(", from `[^`]*`", "");
    }
    if (ex instanceof InputCoercionException coercion) {
      return where + ": out of range for " + expected(coercion.getTargetType());
    }
    if (ex instanceof StreamReadException) {
      String at =
          ex.getLocation() == null
              ? ""
              : " (line "
                  + ex.getLocation().getLineNr()
                  + ", column "
                  + ex.getLocation().getColumnNr()
                  + ")";
      // The token Jackson did not expect may be the start of a secret typed without quotes: the
      // problem says where it is, not what it is.
      String message =
          ex.getOriginalMessage()
              .replaceAll("Unrecognized token '[^']*'", "Unrecognized token")
              .replaceAll("character \\('.' \\(code \\d+\\)\\)", "character");
      int source = message.indexOf(" (start marker at [Source");
      return "request body is not valid JSON"
          + at
          + ": "
          + abbreviate(source < 0 ? message : message.substring(0, source));
    }
    if (ex instanceof InvalidFormatException invalid
        && invalid.getTargetType() != null
        && invalid.getTargetType().isEnum()) {
      return where
          + ": '"
          + abbreviate(String.valueOf(invalid.getValue()))
          + "' is not "
          + expected(invalid.getTargetType());
    }
    if (ex instanceof MismatchedInputException mismatch) {
      return where + ": expected " + expected(mismatch.getTargetType());
    }
    return where + ": invalid value";
  }

  /** The JSON path of the field at fault, such as {@code tests[0].stages[1].timeout}. */
  private static String path(JacksonException ex) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : ex.getPath()) {
      if (reference.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String name(MethodParameter parameter) {
    RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
    return param != null && !param.name().isEmpty() ? param.name() : parameter.getParameterName();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a valid value";
    }
    if (type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object constant : type.getEnumConstants()) {
        String name = ((Enum<?>) constant).name();
        try {
          JsonProperty json = type.getField(name).getAnnotation(JsonProperty.class);
          names.add(json == null ? name : json.value());
        } catch (NoSuchFieldException impossible) {
          names.add(name);
        }
      }
      return "one of " + names;
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 UTC instant such as 2026-01-31T12:00:00Z";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a valid value";
  }

  private static String abbreviate(String text) {
    return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
