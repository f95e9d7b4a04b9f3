package io.cta.cli.http;

import io.cta.cli.CliException;
import io.cta.cli.ExitCode;
import io.cta.cli.connection.Connection;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the REST API with the bearer token in a header, never in a URL. Every refused request
 * becomes an {@link ApiError} carrying the exit code and the server's problem detail.
 */
public final class ApiClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private final Connection connection;

  public ApiClient(Connection connection) {
    this.connection = connection;
  }

  public Connection connection() {
    return connection;
  }

  public JsonNode get(String path) {
    return json(send("GET", path, null, false));
  }

  public JsonNode post(String path, Object body) {
    return json(send("POST", path, body, false));
  }

  /** A request that starts an execution: 404, 409 and 429 mean it could not start. */
  public JsonNode start(String path, Object body) {
    return json(send("POST", path, body, true));
  }

  public JsonNode put(String path, Object body) {
    return json(send("PUT", path, body, false));
  }

  public JsonNode patch(String path, Object body) {
    return json(send("PATCH", path, body, false));
  }

  public JsonNode delete(String path) {
    return json(send("DELETE", path, null, false));
  }

  public byte[] bytes(String path) {
    return send("GET", path, null, false, "application/xml, application/json").body();
  }

  /** A query string of the parameters that are not null, each value encoded. */
  public static String query(Map<String, ?> params) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      if (e.getValue() != null) {
        q.append(q.isEmpty() ? '?' : '&')
            .append(e.getKey())
            .append('=')
            .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  public static Map<String, Object> params(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /** A path segment: ids and names go into paths encoded, so a name cannot add segments. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonNode json(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return JSON.nullNode();
    }
    return JSON.readTree(body);
  }

  HttpResponse<byte[]> send(String method, String path, Object body, boolean starting) {
    return send(method, path, body, starting, "application/json");
  }

  HttpResponse<byte[]> send(
      String method, String path, Object body, boolean starting, String accept) {
    return body == null
        ? send(method, path, HttpRequest.BodyPublishers.noBody(), null, starting, accept, null)
        : send(
            method,
            path,
            HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)),
            "application/json",
            starting,
            accept,
            null);
  }

  /** Attempts of an upload whose answer was lost: the first and two retries. */
  static final int UPLOAD_ATTEMPTS = 3;

  /** The wait before the first retry of an upload; it doubles for the next. */
  static final Duration UPLOAD_BACKOFF = Duration.ofSeconds(1);

  /**
   * Uploads files, streamed from disk, as the {@code multipart/form-data} parts named {@code part}
   * of one request that creates an execution (404 and 409 mean it could not: exit 6). The request
   * carries a fresh {@code Idempotency-Key}, the same on each retry, so that a retry after a lost
   * answer (no answer in time, a broken connection, {@code 502}, {@code 503}, {@code 504}) gets the
   * execution the first attempt stored, never a second one (docs/api.md#imports).
   */
  public JsonNode upload(String path, String part, List<Path> files) {
    String boundary = "cta-" + UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    Duration backoff = UPLOAD_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      try {
        return json(
            send(
                "POST",
                path,
                multipart(boundary, part, files),
                "multipart/form-data; boundary=" + boundary,
                true,
                "application/json",
                key));
      } catch (CliException e) {
        if (attempt == UPLOAD_ATTEMPTS || !answerLost(e)) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCode.ENDED_BADLY, "interrupted", e);
      }
      backoff = backoff.multipliedBy(2);
    }
  }

  /**
   * Whether the request may have been stored without its answer reaching us. A refused connection
   * never reached the api: that is not retried (exit 6 at once, as for any command).
   */
  private static boolean answerLost(CliException e) {
    if (e instanceof ApiError refused) {
      return refused.status() == 502 || refused.status() == 503 || refused.status() == 504;
    }
    Throwable cause = e.getCause();
    return cause instanceof IOException
        && !(cause instanceof ConnectException)
        && !(cause instanceof HttpConnectTimeoutException);
  }

  private static HttpRequest.BodyPublisher multipart(
      String boundary, String part, List<Path> files) {
    List<HttpRequest.BodyPublisher> pieces = new ArrayList<>();
    for (Path file : files) {
      String filename = String.valueOf(file.getFileName()).replaceAll("[\"\\\\\r\n]", "_");
      pieces.add(
          text(
              "--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + part
                  + "\"; filename=\""
                  + filename
                  + "\"\r\nContent-Type: application/xml\r\n\r\n"));
      try {
        pieces.add(HttpRequest.BodyPublishers.ofFile(file));
      } catch (FileNotFoundException e) {
        throw new CliException(ExitCode.USAGE, file + ": no such file");
      }
      pieces.add(text("\r\n"));
    }
    pieces.add(text("--" + boundary + "--\r\n"));
    return HttpRequest.BodyPublishers.concat(pieces.toArray(HttpRequest.BodyPublisher[]::new));
  }

  private static HttpRequest.BodyPublisher text(String text) {
    return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> send(
      String method,
      String path,
      HttpRequest.BodyPublisher body,
      String contentType,
      boolean starting,
      String accept,
      String idempotencyKey) {
    URI uri = URI.create(connection.server() + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + connection.token())
            .header("Accept", accept)
            .method(method, body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    HttpResponse<byte[]> response;
    // One client (and connection) per call: a CLI makes few calls, and reused connections to a
    // WebFlux server were seen to go unanswered (docs/cli.md "How it talks to the api").
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new CliException(
          ExitCode.NOT_STARTED,
          "cannot reach the api at "
              + connection.server()
              + " ("
              + (e instanceof HttpConnectTimeoutException
                  ? "connect timed out"
                  : "connection refused")
              + ")",
          e);
    } catch (HttpTimeoutException e) {
      throw new CliException(
          ExitCode.NOT_STARTED, "the api at " + connection.server() + " did not answer in time", e);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.NOT_STARTED, "cannot reach the api at " + connection.server() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.ENDED_BADLY, "interrupted", e);
    }
    if (response.statusCode() >= 400) {
      throw error(method, path, response, starting);
    }
    return response;
  }

  private ApiError error(
      String method, String path, HttpResponse<byte[]> response, boolean starting) {
    int status = response.statusCode();
    String detail = null;
    String title = null;
    try {
      JsonNode problem = JSON.readTree(response.body());
      detail = problem.path("detail").isString() ? problem.get("detail").asString() : null;
      title = problem.path("title").isString() ? problem.get("title").asString() : null;
    } catch (RuntimeException notJson) {
      // A proxy's HTML page, say: the status alone says enough.
    }
    String what =
        switch (status) {
          case 401 -> "authentication failed: the server refused the token";
          case 403 -> "permission denied: the token's role may not do this";
          case 429 ->
              "too many requests"
                  + response
                      .headers()
                      .firstValue("Retry-After")
                      .map(s -> " (retry after " + s + " s)")
                      .orElse("");
          default -> title != null ? title.toLowerCase(java.util.Locale.ROOT) : "refused";
        };
    String message =
        method
            + " "
            + path.replaceAll("\\?.*", "")
            + ": "
            + status
            + " "
            + what
            + (detail != null ? ": " + detail : "");
    return new ApiError(status, detail, message, starting);
  }
}
